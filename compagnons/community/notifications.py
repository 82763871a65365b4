"""The community's e-mails: tasks that read notifications (ids only), render French text and send. The member's
choices hold: `notify_by_email` (accounts) off means no e-mail at all; the community's preference says at once,
in a weekly digest, or never. Each notification is e-mailed at most once (`emailed_at`)."""

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from compagnons.accounts.models import User
from compagnons.community.models import Notification, Preference
from compagnons.core.sites import user_sender, user_site_url


def _wants(member, mode: str) -> bool:
    if not (member.is_active and member.notify_by_email and member.erased_at is None):
        return False
    preference = Preference.objects.filter(member=member).first()
    return (preference.email if preference else Preference.Email.WEEKLY) == mode


@task
def send_notifications(post_id: int, kinds: list[str]) -> int:
    """Immediate e-mails for the notifications of one post (members who chose « tout de suite »)."""
    sent = 0
    pending = Notification.objects.filter(
        post_id=post_id, kind__in=kinds, emailed_at=None, read_at=None
    ).select_related("recipient__site", "thread", "action")
    if Notification.Kind.MODERATION in kinds:
        pending = Notification.objects.filter(
            action__post_id=post_id, kind=Notification.Kind.MODERATION, emailed_at=None
        ).select_related("recipient__site", "thread", "action")
    for notification in pending:
        member = notification.recipient
        # A moderation decision is always told by e-mail when e-mails are on (the author must know why).
        mode_ok = _wants(member, Preference.Email.IMMEDIATE) or (
            notification.kind == Notification.Kind.MODERATION
            and member.is_active
            and member.notify_by_email
            and member.erased_at is None
        )
        if not mode_ok:
            continue
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=notification.pk, emailed_at=None).update(emailed_at=timezone.now())
            if not claimed:
                continue
            with translation.override("fr"):
                body = render_to_string(
                    "community/email/notification.txt", {"n": notification, "site_url": user_site_url(member)}
                )
                send_mail(f"[Compagnons] {notification.get_kind_display()}", body, user_sender(member), [member.email])
            sent += 1
    return sent


@task
def send_weekly_digest(member_id: int) -> bool:
    """One e-mail with the week's unread notifications of a member who chose the weekly digest."""
    member = User.objects.filter(pk=member_id).first()
    if member is None or not _wants(member, Preference.Email.WEEKLY):
        return False
    with transaction.atomic():
        notifications = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient=member, emailed_at=None, read_at=None)
            .select_related("thread")
            .order_by("-created_at")[:50]
        )
        if not notifications:
            return False
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
        with translation.override("fr"):
            body = render_to_string(
                "community/email/digest.txt", {"notifications": notifications, "site_url": user_site_url(member)}
            )
            send_mail("[Compagnons] Votre semaine dans l'entraide", body, user_sender(member), [member.email])
    return True
