"""The quality app's e-mails, sent by the task worker: a survey's invitation or reminder, a complaint's
acknowledgement and its answer. Each task takes an id, reads the rows and renders in French at run time; none calls
back into services (services enqueue them after commit)."""

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from compagnons.core.sites import user_sender, user_site_url
from compagnons.quality.links import link_max_age, survey_link
from compagnons.quality.models import Complaint, Survey


@task
def send_survey_email(survey_id: int) -> bool:
    """The invitation, or a reminder if one was marked: a personal link that works without logging in."""
    survey = Survey.objects.select_related("person__site", "cohort", "mission").filter(pk=survey_id).first()
    if survey is None or survey.answered_at is not None or survey.closes_at <= timezone.now():
        return False
    person = survey.person
    if not person.is_active or person.erased_at is not None or not person.notify_by_email:
        return False
    with translation.override("fr"):
        body = render_to_string(
            "quality/email/survey.txt",
            {
                "survey": survey,
                "person": person,
                "reminder": survey.reminders_sent > 0,
                "url": survey_link(survey),
                "link_days": link_max_age().days,
            },
        )
        subject = (
            "[Compagnons] Rappel : votre avis compte" if survey.reminders_sent else "[Compagnons] Votre avis compte"
        )
        send_mail(subject, body, user_sender(person), [person.email])
    return True


def _mark_acknowledged(complaint_id: int) -> bool:
    """Record the acknowledgement once (conditional UPDATE): True for the one caller who should send it."""
    return bool(
        Complaint.objects.filter(pk=complaint_id, acknowledged_at__isnull=True).update(acknowledged_at=timezone.now())
    )


@task
def send_complaint_acknowledgement(complaint_id: int) -> bool:
    """The accusé de réception, once (marked before sending)."""
    if not _mark_acknowledged(complaint_id):
        return False
    complaint = Complaint.objects.select_related("filer__site").get(pk=complaint_id)
    with translation.override("fr"):
        body = render_to_string(
            "quality/email/complaint_ack.txt", {"complaint": complaint, "site_url": user_site_url(complaint.filer)}
        )
        try:
            send_mail(
                f"[Compagnons] Nous avons bien reçu votre message {complaint.number}",
                body,
                user_sender(complaint.filer),
                [complaint.contact_email],
            )
        except Exception:
            # Not sent: the register must not say it was; the task's retry (or the next one) will send it.
            Complaint.objects.filter(pk=complaint_id).update(acknowledged_at=None)
            raise
    return True


@task
def send_complaint_answer(complaint_id: int) -> bool:
    complaint = Complaint.objects.select_related("filer__site", "answered_by").filter(pk=complaint_id).first()
    if complaint is None or not complaint.answer:
        return False
    with translation.override("fr"):
        body = render_to_string(
            "quality/email/complaint_answer.txt",
            {"complaint": complaint, "site_url": user_site_url(complaint.filer)},
        )
        send_mail(
            f"[Compagnons] Réponse à votre demande {complaint.number}",
            body,
            user_sender(complaint.filer),
            [complaint.contact_email],
        )
    return True
