"""E-mails of the certification, sent by the task worker: they read the decision and send; no service is called
back from here."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from compagnons.certification.models import Decision
from compagnons.core.sites import user_sender, user_site_url


@task
def notify_decision(decision_id: int) -> bool:
    """Tell the candidate once (idempotent: the decision remembers it was notified). The mark and the sending share
    one transaction: the SMTP server down rolls the mark back, the task fails and is retried later (not lost)."""
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("candidate__site")
            .filter(pk=decision_id)
            .first()
        )
        if decision is None or decision.notified_at or not decision.candidate.is_active:
            return False
        decision.notified_at = timezone.now()
        decision.save(update_fields=["notified_at"])
        with translation.override("fr"):
            body = render_to_string(
                "certification/email/decision.txt",
                {
                    "decision": decision,
                    "decision_url": user_site_url(decision.candidate)
                    + reverse("certification:decision", args=[decision.pk]),
                    "appeal_days": settings.APPEAL_DAYS,
                },
            )
            send_mail(
                "[Compagnons] La décision du jury", body, user_sender(decision.candidate), [decision.candidate.email]
            )
    return True
