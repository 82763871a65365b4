from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from compagnons.certification.models import Decision


@task
def notify_decision(decision_id: int) -> bool:
    decision = Decision.objects.select_related("candidate").filter(pk=decision_id).first()
    if decision is None or not decision.candidate.is_active:
        return False
    with translation.override("fr"):
        body = render_to_string(
            "certification/email/decision.txt",
            {"decision": decision, "site_url": settings.SITE_URL, "appeal_days": settings.APPEAL_DAYS},
        )
        send_mail("[Compagnons] La décision du jury", body, None, [decision.candidate.email])
    return True
