"""The task worker under faults (issue 23): killed in the middle of a task, the SMTP server down, retries with
backoff, failed tasks for the team. The tasks run on django-tasks-db's DatabaseBackend here, by our SafeWorker."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from compagnons.certification.models import Decision
from compagnons.certification.notifications import notify_decision
from compagnons.core import worker
from compagnons.core.models import AuditLog, WorkerHeartbeat
from tests.factories import UserFactory, judge_by_jury

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SUBJECT = "[Compagnons] La décision du jury"


@pytest.fixture(autouse=True)
def database_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def run_worker(worker_id="vivant"):
    """A worker that processes every ready task, then stops (the heartbeat thread is not needed here)."""
    worker.SafeWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
        heartbeat=False,
    ).run()


def decision_emails():
    return [m for m in mail.outbox if m.subject == SUBJECT]


@pytest.fixture
def decision(formateur):
    candidate = UserFactory(first_name="Jean-Pierre", last_name="Candidat")
    decision = judge_by_jury(candidate, by=formateur)
    assert DBTaskResult.objects.filter(task_path=notify_decision.module_path, status="READY").count() == 1
    return decision


def notification():
    return DBTaskResult.objects.get(task_path=notify_decision.module_path)


def test_a_task_left_running_by_a_dead_worker_is_reclaimed_and_its_email_sent_once(decision):
    # The worker « mort » claimed the task, sent the e-mail, and was killed before recording its success.
    result = notification()
    result.claim("mort")
    notify_decision.call(decision.pk)
    assert len(decision_emails()) == 1
    worker.beat("mort", now=timezone.now() - timedelta(minutes=5))
    worker.beat("vivant")

    assert worker.reclaim_abandoned() == 1
    result.refresh_from_db()
    assert result.status == TaskResultStatus.READY
    run_worker()

    result.refresh_from_db()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.worker_ids == ["mort", "vivant"]
    assert len(decision_emails()) == 1  # once, not twice


def test_the_heartbeats_of_long_gone_workers_are_forgotten():
    worker.beat("ancien", now=timezone.now() - timedelta(days=2))
    worker.beat("vivant")
    worker.reclaim_abandoned()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["vivant"]


def test_a_task_of_a_living_worker_is_left_alone(decision):
    result = notification()
    result.claim("vivant")
    worker.beat("vivant")
    assert worker.reclaim_abandoned() == 0
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING


def test_a_task_killed_before_its_effect_runs_again_and_the_email_leaves_once(decision):
    notification().claim("mort")  # no heartbeat at all: the worker died at once
    assert worker.reclaim_abandoned() == 1
    run_worker()
    assert len(decision_emails()) == 1
    assert Decision.objects.get(pk=decision.pk).notified_at is not None


def test_smtp_down_the_email_waits_with_backoff_and_leaves_later_not_lost(decision, monkeypatch):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("connexion refusée")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        run_worker()

    result = notification()
    assert result.status == TaskResultStatus.READY  # not FAILED: it will be tried again
    assert "SMTPServerDisconnected" in result.exception_class_path
    wait = result.run_after - timezone.now()
    assert timedelta(seconds=20) < wait <= timedelta(seconds=30)
    assert Decision.objects.get(pk=decision.pk).notified_at is None  # not marked sent: nothing is lost
    assert decision_emails() == []

    run_worker()  # too early: the backoff holds it
    assert notification().status == TaskResultStatus.READY and decision_emails() == []

    DBTaskResult.objects.filter(pk=result.pk).update(run_after=timezone.now())
    run_worker()
    assert notification().status == TaskResultStatus.SUCCESSFUL
    assert len(decision_emails()) == 1


def test_the_backoff_grows_and_the_task_fails_for_good_after_every_attempt(decision, monkeypatch, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    assert [worker.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 120, 480]
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: (_ for _ in ()).throw(smtplib.SMTPServerDisconnected("non")),
    )
    for _attempt in range(3):
        DBTaskResult.objects.filter(task_path=notify_decision.module_path).update(run_after=timezone.now())
        run_worker()
    result = notification()
    assert result.status == TaskResultStatus.FAILED
    assert len(result.worker_ids) == 3


def failed_result(decision, monkeypatch, settings):
    settings.TASK_MAX_ATTEMPTS = 1
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda self, messages: (_ for _ in ()).throw(smtplib.SMTPServerDisconnected("le serveur ne répond pas")),
    )
    run_worker()
    monkeypatch.undo()
    result = notification()
    assert result.status == TaskResultStatus.FAILED
    return result


def test_the_team_sees_a_failed_task_with_its_error_and_relaunches_it(
    decision, monkeypatch, settings, client, formateur, django_assert_max_num_queries
):
    result = failed_result(decision, monkeypatch, settings)
    client.force_login(formateur)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("core:failed_tasks"))
    assert page.status_code == 200
    assert "notify_decision" in page.text and "le serveur ne répond pas" in page.text

    response = client.post(reverse("core:retry_task", args=[result.pk]), follow=True)
    assert "La tâche est relancée" in response.text
    assert notification().status == TaskResultStatus.READY
    assert AuditLog.objects.filter(action="tasks.retried", actor=formateur).count() == 1
    run_worker()
    assert notification().status == TaskResultStatus.SUCCESSFUL
    assert len(decision_emails()) == 1


def test_failed_tasks_are_for_the_team_only(client, apprenti):
    client.force_login(apprenti)
    assert client.get(reverse("core:failed_tasks")).status_code == 403
    assert client.post(reverse("core:retry_task", args=["00000000-0000-0000-0000-000000000000"])).status_code == 403
    client.logout()
    assert client.get(reverse("core:failed_tasks")).status_code == 302


def test_an_email_task_that_keeps_no_mark_waits_too_and_leaves_once_smtp_is_back(monkeypatch):
    """Most e-mail tasks keep no « sent » mark (they read and send): the SMTP error fails the run, the retry sends."""
    from compagnons.missions.notifications import send_digest

    member = UserFactory()
    send_digest.enqueue(member.pk, [])

    def refuse(self, messages):
        raise smtplib.SMTPConnectError(421, "service indisponible")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
        run_worker()
    result = DBTaskResult.objects.get(task_path=send_digest.module_path)
    assert result.status == TaskResultStatus.READY and "SMTPConnectError" in result.exception_class_path
    assert mail.outbox == []

    DBTaskResult.objects.filter(pk=result.pk).update(run_after=timezone.now())
    run_worker()
    assert DBTaskResult.objects.get(pk=result.pk).status == TaskResultStatus.SUCCESSFUL
    assert [m.to for m in mail.outbox] == [[member.email]]
