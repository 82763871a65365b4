"""E-mails of the path, sent by the task worker. They read the models and send; they never write the path."""

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from compagnons.apprenticeship.models import Enrollment
from compagnons.core.sites import user_sender, user_site_url


@task
def send_inactivity_reminder(enrollment_id: int) -> bool:
    """Rendered at run time from ids: the queue holds no personal data."""
    enrollment = Enrollment.objects.select_related("member__site", "cohort").filter(pk=enrollment_id).first()
    if enrollment is None or not enrollment.member.is_active or not enrollment.member.notify_by_email:
        return False
    member = enrollment.member
    with translation.override("fr"):
        body = render_to_string(
            "apprenticeship/email/inactivity_reminder.txt",
            {"member": member, "enrollment": enrollment, "site_url": user_site_url(member)},
        )
        send_mail("[Compagnons] Où en êtes-vous ?", body, user_sender(member), [member.email])
    return True
