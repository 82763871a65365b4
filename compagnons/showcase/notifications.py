"""E-mails of the showcase, sent in the background: a visitor's message, an invitation to apply. Each task reads its
rows, renders and sends; nothing here writes, and nothing imports the services back."""

from django.core.mail import EmailMessage, send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from compagnons.core.sites import user_sender, user_site_url
from compagnons.missions.models import Mission
from compagnons.showcase.models import ContactMessage, Profile


@task
def forward_contact(message_id: int) -> bool:
    """The visitor's message to the member's inbox; their address goes only in Reply-To."""
    message = ContactMessage.objects.select_related("profile__member__site").filter(pk=message_id).first()
    if message is None or not message.profile.member.is_active:
        return False
    member = message.profile.member
    with translation.override("fr"):
        body = render_to_string("showcase/email/contact.txt", {"message": message, "site_url": user_site_url(member)})
        EmailMessage(
            f"[Compagnons] Un message de {message.sender_name}",
            body,
            user_sender(member),
            to=[member.email],
            reply_to=[message.sender_email],
        ).send()
    return True


@task
def forward_invitation(profile_id: int, mission_id: int) -> bool:
    profile = Profile.objects.select_related("member__site").filter(pk=profile_id).first()
    mission = Mission.objects.filter(pk=mission_id).first()
    if profile is None or mission is None or not profile.member.notify_by_email:
        return False
    with translation.override("fr"):
        body = render_to_string(
            "showcase/email/invitation.txt",
            {
                "member": profile.member,
                "mission": mission,
                "url": user_site_url(profile.member) + mission.get_absolute_url(),
            },
        )
        send_mail("[Compagnons] Une invitation à candidater", body, user_sender(profile.member), [profile.member.email])
    return True
