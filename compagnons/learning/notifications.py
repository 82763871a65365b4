"""E-mails of learning, sent in the background. Each task reads its rows, renders in French and sends; nothing here
writes, and nothing imports the services back."""

# --- Scenarios -------------------------------------------------------------------------------------------

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from compagnons.core.sites import user_sender, user_site_url
from compagnons.learning.models import Debrief


@task
def debrief_written(debrief_id: int) -> bool:
    """Tell the member their mentor debriefed their run (if they take e-mail)."""
    debrief = (
        Debrief.objects.select_related("run__member__site", "run__version__scenario", "mentor")
        .filter(pk=debrief_id)
        .first()
    )
    if debrief is None:
        return False
    member = debrief.run.member
    if not member.is_active or not member.notify_by_email:
        return False
    with translation.override("fr"):
        body = render_to_string(
            "learning/scenarios/email/debrief.txt",
            {
                "member": member,
                "mentor": debrief.mentor,
                "scenario": debrief.run.version.scenario,
                "url": user_site_url(member) + reverse("learning:run", args=[debrief.run_id]),
            },
        )
        send_mail(
            "[Compagnons] Votre mentor a débriefé votre mise en situation", body, user_sender(member), [member.email]
        )
    return True
