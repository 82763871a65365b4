"""The outcomes app's e-mails, sent by the task worker: a follow-up survey's invitation or reminder. Rendered at run
time from the id (the queue holds no personal data); the link is signed afresh."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from compagnons.core.sites import user_sender
from compagnons.outcomes.links import personal_link
from compagnons.outcomes.models import FollowUp


@task
def send_follow_up(follow_up_id: int, reminder: bool) -> bool:
    follow_up = FollowUp.objects.select_related("exit__member__site").filter(pk=follow_up_id).first()
    if follow_up is None or follow_up.answered_at is not None or not follow_up.exit.member.is_active:
        return False
    member = follow_up.exit.member
    with translation.override("fr"):
        body = render_to_string(
            "outcomes/email/follow_up.txt",
            {
                "member": member,
                "follow_up": follow_up,
                "link": personal_link(follow_up),
                "reminder": reminder,
                "link_days": settings.OUTCOMES_LINK_DAYS,
            },
        )
        subject = "[Compagnons] Que devenez-vous ? (rappel)" if reminder else "[Compagnons] Que devenez-vous ?"
        send_mail(subject, body, user_sender(member), [member.email])
    return True
