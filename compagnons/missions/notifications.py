"""The mission bank's e-mails: each task reads the rows it is given (ids only), renders a French message and sends it.
It imports no service: services enqueue these after commit, and nothing here calls them back."""

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from compagnons.accounts.models import User
from compagnons.core.sites import user_sender, user_site_url
from compagnons.missions.models import Application, Mission


@task
def send_digest(member_id: int, mission_ids: list[int]) -> bool:
    member = User.objects.filter(pk=member_id, is_active=True, notify_by_email=True).select_related("site").first()
    if member is None:
        return False
    missions = list(Mission.objects.filter(pk__in=mission_ids))
    with translation.override("fr"):
        body = render_to_string(
            "missions/email/digest.txt", {"member": member, "missions": missions, "site_url": user_site_url(member)}
        )
        send_mail("[Compagnons] De nouvelles missions pour vous", body, user_sender(member), [member.email])
    return True


@task
def tell_not_chosen(application_id: int) -> bool:
    application = Application.objects.select_related("applicant__site", "mission").filter(pk=application_id).first()
    if application is None or not application.applicant.is_active or not application.applicant.notify_by_email:
        return False
    with translation.override("fr"):
        body = render_to_string(
            "missions/email/not_chosen.txt",
            {"application": application, "site_url": user_site_url(application.applicant)},
        )
        send_mail(
            "[Compagnons] Votre candidature", body, user_sender(application.applicant), [application.applicant.email]
        )
    return True
