"""Playing a scenario: start, choose (every refusal leaves the run as it was), finish, share, the mentor's debrief
credited once in the ledger, staff import and archive."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from compagnons.core.exceptions import InvalidTransition, PermissionRefused, Refused
from compagnons.core.models import AuditLog
from compagnons.learning import play as reads
from compagnons.learning import services
from compagnons.learning.models import Run, Status, Step
from compagnons.ledger.models import Transaction
from tests.concurrency import at_once
from tests.factories import UserFactory
from tests.factories.learning import import_scenario, play, play_steps, scenario_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(db):
    return import_scenario()


def choose(run, member, position=1, *, step=None, node_key=None, choice_id=None):
    run.refresh_from_db()
    choice = run.current.choices.get(position=position)
    return services.choose(
        run,
        by=member,
        step=run.steps_count + 1 if step is None else step,
        node_key=run.current.key if node_key is None else node_key,
        choice_id=choice.pk if choice_id is None else choice_id,
    )


def snapshot(run):
    run.refresh_from_db()
    return (run.current_id, run.steps_count, run.finished_at, Step.objects.filter(run=run).count())


def test_a_run_starts_at_the_start_of_the_current_version(scenario, apprenti):
    run = services.start_run(scenario, by=apprenti)
    assert run.version_id == scenario.current_id
    assert run.current.key == "appel" and run.steps_count == 0 and run.shared


def test_an_archived_scenario_cannot_be_started(scenario, apprenti, formateur):
    services.archive_scenario(scenario, by=formateur)
    with pytest.raises(InvalidTransition):
        services.start_run(scenario, by=apprenti)


def test_choosing_records_the_step_with_its_seconds_and_moves_on(scenario, apprenti):
    run = services.start_run(scenario, by=apprenti)
    Run.objects.filter(pk=run.pk).update(arrived_at=timezone.now() - timedelta(seconds=42))
    run = choose(run, apprenti, 1)
    step = Step.objects.get(run=run)
    assert step.number == 1 and step.node.key == "appel" and step.choice.position == 1
    assert 42 <= step.seconds < 60
    assert run.current.key == "date" and run.steps_count == 1 and run.finished_at is None


def test_reading_time_is_capped(scenario, apprenti):
    run = services.start_run(scenario, by=apprenti)
    Run.objects.filter(pk=run.pk).update(arrived_at=timezone.now() - timedelta(days=3))
    choose(run, apprenti)
    assert Step.objects.get(run=run).seconds == services.STEP_MAX_SECONDS


def test_reaching_an_ending_finishes_the_run(scenario, apprenti):
    run = play(scenario, apprenti)
    assert run.finished_at is not None and run.ending.key == "rendez-vous"
    assert [s.node.key for s in reads.path_of(run).steps] == ["appel", "date"]


def test_a_choice_of_another_node_is_refused_and_nothing_changes(scenario, apprenti):
    run = services.start_run(scenario, by=apprenti)
    other = scenario.current.nodes.get(key="tension").choices.first()
    before = snapshot(run)
    with pytest.raises(InvalidTransition, match="ne fait pas partie de cette étape"):
        choose(run, apprenti, choice_id=other.pk)
    assert snapshot(run) == before


def test_a_replayed_post_is_refused_and_nothing_changes(scenario, apprenti):
    run = services.start_run(scenario, by=apprenti)
    first = run.current.choices.get(position=1)
    services.choose(run, by=apprenti, step=1, node_key="appel", choice_id=first.pk)
    before = snapshot(run)
    with pytest.raises(InvalidTransition, match="déjà été enregistré"):
        services.choose(run, by=apprenti, step=1, node_key="appel", choice_id=first.pk)
    assert snapshot(run) == before


def test_a_step_from_the_future_or_of_another_node_is_refused(scenario, apprenti):
    run = services.start_run(scenario, by=apprenti)
    before = snapshot(run)
    with pytest.raises(InvalidTransition):
        choose(run, apprenti, step=3)
    with pytest.raises(InvalidTransition):
        choose(run, apprenti, node_key="tension")
    assert snapshot(run) == before


def test_a_stale_step_after_a_new_version_is_refused_and_a_restart_is_offered(scenario, apprenti, formateur):
    run = play_steps(scenario, apprenti, [1])
    services.import_scenario(scenario_text().replace("Jeudi matin", "Vendredi matin"), by=formateur)
    before = snapshot(run)
    with pytest.raises(services.StaleRun, match="Recommencez"):
        choose(run, apprenti)
    assert snapshot(run) == before
    assert reads.current_step(Run.objects.get(pk=run.pk)).stale
    again = services.start_run(scenario, by=apprenti)
    scenario.refresh_from_db()
    assert again.version_id == scenario.current_id != run.version_id


def test_a_finished_run_takes_no_more_choices(scenario, apprenti):
    run = play(scenario, apprenti)
    with pytest.raises(InvalidTransition, match="terminée"):
        services.choose(run, by=apprenti, step=run.steps_count + 1, node_key=run.current.key, choice_id=1)


def test_only_the_member_plays_their_run(scenario, apprenti, outsider):
    run = services.start_run(scenario, by=apprenti)
    with pytest.raises(PermissionRefused):
        choose(run, outsider)
    assert snapshot(run)[1] == 0


def test_a_unique_constraint_backs_one_step_per_number(scenario, apprenti):
    from django.db import IntegrityError, transaction

    run = play_steps(scenario, apprenti, [1])
    step = Step.objects.get(run=run)
    with pytest.raises(IntegrityError), transaction.atomic():
        Step.objects.create(run=run, number=1, node=step.node, choice=step.choice, seconds=1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="simultaneous writers need a server database")
def test_two_identical_posts_at_once_record_one_step():
    member = UserFactory(apprentice=True)
    # A transactional test may follow another that flushed the référentiel: the file's compétences are left out.
    scenario = import_scenario(re.sub(r"\n\s*competences: \[.*?\]", "", scenario_text()))
    run = services.start_run(scenario, by=member)
    choice = run.current.choices.get(position=1)
    results, errors = at_once(
        lambda: services.choose(run, by=member, step=1, node_key="appel", choice_id=choice.pk), times=8
    )
    assert len(results) == 1
    assert len(errors) == 7 and all(isinstance(e, Refused) for e in errors)
    assert Step.objects.filter(run=run).count() == 1
    run.refresh_from_db()
    assert run.steps_count == 1 and run.current.key == "date"


def test_replaying_makes_a_new_run_and_two_runs_compare(scenario, apprenti):
    first = play(scenario, apprenti, [1, 1])
    second = play(scenario, apprenti, [2, 2])
    assert second.pk != first.pk and second.ending.key == "perdu"
    _left, _right, rows = reads.side_by_side(first, second)
    assert len(rows) == 2 and not rows[0].same and rows[1].left and rows[1].right


# --- Sharing and the debrief ---------------------------------------------------------------------------------


def test_a_run_is_shared_by_default_and_the_member_may_stop_sharing(scenario, apprenti, outsider):
    run = play(scenario, apprenti)
    assert run.shared
    services.set_shared(run, False, by=apprenti)
    run.refresh_from_db()
    assert not run.shared
    with pytest.raises(PermissionRefused):
        services.set_shared(run, True, by=outsider)


def test_the_mentor_debriefs_once_credited_once_and_the_member_is_told(
    scenario, apprenti, compagnon, mentorship, django_capture_on_commit_callbacks
):
    run = play(scenario, apprenti)
    assert list(reads.awaiting_debrief(compagnon)) == [run]
    with django_capture_on_commit_callbacks(execute=True):
        debrief = services.write_debrief(run, "Bien joué : la date écrite rassure.", by=compagnon)
    assert debrief.mentor == compagnon
    assert list(reads.awaiting_debrief(compagnon)) == []
    credits = Transaction.objects.filter(idempotency_key=f"debrief:{run.pk}")
    assert credits.count() == 1 and credits.get().kind == "mentoring" and credits.get().beneficiary == compagnon
    assert len(mail.outbox) == 1 and apprenti.email in mail.outbox[0].to
    with django_capture_on_commit_callbacks(execute=True):
        services.write_debrief(run, "Bien joué, et pensez à confirmer par écrit.", by=compagnon)
    assert credits.count() == 1 and len(mail.outbox) == 1
    run.debrief.refresh_from_db()
    assert "confirmer" in run.debrief.text
    actions = set(AuditLog.objects.filter(target_id=str(run.pk)).values_list("action", flat=True))
    assert {"learning.debrief_written", "learning.debrief_edited"} <= actions


def test_one_credit_per_run_whatever_the_replayed_posts(client, scenario, apprenti, compagnon, mentorship):
    first, second = play(scenario, apprenti), play(scenario, apprenti, [2, 2])
    client.force_login(compagnon)
    for run in (first, first, second, second):  # each form sent twice
        url = reverse("learning:run_debrief", args=[run.pk])
        assert client.post(url, {"text": "Bien vu."}).status_code == 302
    keys = sorted(Transaction.objects.filter(kind="mentoring").values_list("idempotency_key", flat=True))
    assert keys == sorted([f"debrief:{first.pk}", f"debrief:{second.pk}"])


def test_a_finished_and_debriefed_run_changes_no_level(scenario, apprenti, compagnon, formateur, mentorship):
    """A scenario exercises compétences but validates none: no assessment is written, no level moves."""
    from compagnons.skills import services as skills_services
    from compagnons.skills.models import Assessment, Certification

    from .test_capsules import reviewed_positioning

    reviewed_positioning(apprenti, formateur, {"C1.6": 0, "C2.1": 1})  # the compétences the scenario exercises
    certification = Certification.objects.current()
    before = list(Assessment.objects.values_list("pk", "level"))
    assert before
    levels = {k: v.level for k, v in skills_services.current_levels(apprenti, certification).items()}
    run = play(scenario, apprenti)
    services.write_debrief(run, "Bien joué.", by=compagnon)
    assert list(Assessment.objects.values_list("pk", "level")) == before
    after = skills_services.current_levels(apprenti, certification)
    assert {k: v.level for k, v in after.items()} == levels


def test_no_email_for_a_member_who_wants_none(
    scenario, apprenti, compagnon, mentorship, django_capture_on_commit_callbacks
):
    apprenti.notify_by_email = False
    apprenti.save(update_fields=["notify_by_email"])
    run = play(scenario, apprenti)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.write_debrief(run, "Merci.", by=compagnon)
    assert callbacks
    assert mail.outbox == []


def test_only_the_active_mentor_debriefs_a_shared_finished_run(scenario, apprenti, compagnon, mentorship, outsider):
    unfinished = play_steps(scenario, apprenti, [1])
    with pytest.raises(PermissionRefused):
        services.write_debrief(unfinished, "Trop tôt.", by=compagnon)
    run = play(scenario, apprenti)
    with pytest.raises(PermissionRefused):
        services.write_debrief(run, "Je ne suis pas son mentor.", by=outsider)
    services.set_shared(run, False, by=apprenti)
    with pytest.raises(PermissionRefused):
        services.write_debrief(run, "Pas partagée.", by=compagnon)
    assert not Transaction.objects.filter(idempotency_key=f"debrief:{run.pk}").exists()


def test_a_former_mentor_cannot_debrief(scenario, apprenti, compagnon, mentorship):
    run = play(scenario, apprenti)
    mentorship.ended_at = timezone.now()
    mentorship.save(update_fields=["ended_at"])
    with pytest.raises(PermissionRefused):
        services.write_debrief(run, "Trop tard.", by=compagnon)


def test_an_empty_debrief_is_refused(scenario, apprenti, compagnon, mentorship):
    run = play(scenario, apprenti)
    with pytest.raises(ValueError, match="Écrivez"):
        services.write_debrief(run, "   ", by=compagnon)


# --- Staff ----------------------------------------------------------------------------------------------------


def test_staff_import_is_audited_and_members_may_not_import(apprenti, formateur):
    with pytest.raises(PermissionRefused):
        services.import_scenario(scenario_text(), by=apprenti)
    _scenario, changed = services.import_scenario(scenario_text(), by=formateur)
    assert changed
    _, changed = services.import_scenario(scenario_text(), by=formateur)
    assert not changed
    assert AuditLog.objects.filter(action="learning.scenario_imported").count() == 1


def test_staff_archive_and_publish_are_audited(scenario, formateur, apprenti):
    with pytest.raises(PermissionRefused):
        services.archive_scenario(scenario, by=apprenti)
    services.archive_scenario(scenario, by=formateur)
    assert scenario.status == Status.ARCHIVED
    services.publish_scenario(scenario, by=formateur)
    assert scenario.status == Status.PUBLISHED
    assert {"learning.scenario_archived", "learning.scenario_published"} <= set(
        AuditLog.objects.values_list("action", flat=True)
    )
