from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from compagnons.apprenticeship import services
from compagnons.apprenticeship.models import Enrollment


@task
def send_inactivity_reminders() -> int:
    """Daily: one reminder per lapse of inactivity (services.flag_reminders_due marks before sending)."""
    due = services.flag_reminders_due()
    for enrollment_id in due:
        send_inactivity_reminder.enqueue(enrollment_id)
    return len(due)


@task
def send_inactivity_reminder(enrollment_id: int) -> bool:
    """Rendered at run time from ids: the queue holds no personal data."""
    enrollment = Enrollment.objects.select_related("member", "cohort").filter(pk=enrollment_id).first()
    if enrollment is None or not enrollment.member.is_active or not enrollment.member.notify_by_email:
        return False
    member = enrollment.member
    with translation.override("fr"):
        body = render_to_string(
            "apprenticeship/email/inactivity_reminder.txt",
            {"member": member, "enrollment": enrollment, "site_url": settings.SITE_URL},
        )
        send_mail("[Compagnons] Où en êtes-vous ?", body, None, [member.email])
    return True
