"""Background work of the quality app. Tasks take ids only and render in French at run time."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from compagnons.quality import services
from compagnons.quality.models import AuditExport, Complaint, Survey


@task
def send_satisfaction_surveys() -> dict:
    """Periodic: create the surveys the data calls for, then send invitations and reminders (each marked before it
    is sent, so a second run, or a second worker, sends nothing twice)."""
    created = services.create_due_surveys()
    invited = services.flag_invitations_due()
    reminded = services.flag_reminders_due()
    for survey_id in invited + reminded:
        send_survey_email.enqueue(survey_id)
    return {"created": created, "invited": len(invited), "reminded": len(reminded)}


@task
def send_survey_email(survey_id: int) -> bool:
    """The invitation, or a reminder if one was marked: a personal link that works without logging in."""
    survey = Survey.objects.select_related("person", "cohort", "mission").filter(pk=survey_id).first()
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
                "url": services.survey_link(survey),
                "link_days": services.link_max_age().days,
            },
        )
        subject = (
            "[Compagnons] Rappel : votre avis compte" if survey.reminders_sent else "[Compagnons] Votre avis compte"
        )
        send_mail(subject, body, None, [person.email])
    return True


@task
def send_complaint_acknowledgement(complaint_id: int) -> bool:
    """The accusé de réception, once (marked before sending)."""
    if not services.mark_complaint_acknowledged(complaint_id):
        return False
    complaint = Complaint.objects.select_related("filer").get(pk=complaint_id)
    with translation.override("fr"):
        body = render_to_string(
            "quality/email/complaint_ack.txt", {"complaint": complaint, "site_url": settings.SITE_URL}
        )
        try:
            send_mail(
                f"[Compagnons] Nous avons bien reçu votre message {complaint.number}",
                body,
                None,
                [complaint.contact_email],
            )
        except Exception:
            # Not sent: the register must not say it was; the task's retry (or the next one) will send it.
            Complaint.objects.filter(pk=complaint_id).update(acknowledged_at=None)
            raise
    return True


@task
def send_complaint_answer(complaint_id: int) -> bool:
    complaint = Complaint.objects.select_related("filer", "answered_by").filter(pk=complaint_id).first()
    if complaint is None or not complaint.answer:
        return False
    with translation.override("fr"):
        body = render_to_string(
            "quality/email/complaint_answer.txt", {"complaint": complaint, "site_url": settings.SITE_URL}
        )
        send_mail(f"[Compagnons] Réponse à votre demande {complaint.number}", body, None, [complaint.contact_email])
    return True


@task
def build_audit_export(export_id: int) -> bool:
    """Build the ZIP in private storage; progress is saved as it goes (the page polls it)."""
    from compagnons.quality import exports

    export = AuditExport.objects.select_related("apprentice").filter(pk=export_id).first()
    if export is None or export.status == AuditExport.Status.READY:
        return False
    AuditExport.objects.filter(pk=export.pk).update(status=AuditExport.Status.RUNNING, progress=5)

    def progress(percent: int) -> None:
        AuditExport.objects.filter(pk=export.pk).update(progress=min(percent, 95))

    try:
        with translation.override("fr"):
            if export.kind == AuditExport.Kind.APPRENTICE:
                files = exports.apprentice_files(export.apprentice, progress=progress)
            else:
                files = exports.association_files(progress=progress)
            data = exports.zip_bytes(files)
    except Exception:
        AuditExport.objects.filter(pk=export.pk).update(status=AuditExport.Status.FAILED, progress=0)
        raise
    with transaction.atomic():
        export = AuditExport.objects.select_for_update(of=("self",)).get(pk=export.pk)
        if export.file:
            export.file.delete(save=False)
        export.file.save(export.filename(), ContentFile(data), save=False)
        export.status, export.progress, export.finished_at = AuditExport.Status.READY, 100, timezone.now()
        export.save()
    return True
