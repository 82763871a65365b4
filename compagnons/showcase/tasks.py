from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from compagnons.showcase.models import Brochure, ContactMessage, Profile


@task
def forward_contact(message_id: int) -> bool:
    """The visitor's message to the member's inbox; their address goes only in Reply-To."""
    from django.core.mail import EmailMessage

    message = ContactMessage.objects.select_related("profile__member").filter(pk=message_id).first()
    if message is None or not message.profile.member.is_active:
        return False
    member = message.profile.member
    with translation.override("fr"):
        body = render_to_string("showcase/email/contact.txt", {"message": message, "site_url": settings.SITE_URL})
        EmailMessage(
            f"[Compagnons] Un message de {message.sender_name}",
            body,
            to=[member.email],
            reply_to=[message.sender_email],
        ).send()
    return True


@task
def forward_invitation(profile_id: int, mission_id: int) -> bool:
    from compagnons.missions.models import Mission

    profile = Profile.objects.select_related("member").filter(pk=profile_id).first()
    mission = Mission.objects.filter(pk=mission_id).first()
    if profile is None or mission is None or not profile.member.notify_by_email:
        return False
    with translation.override("fr"):
        body = render_to_string(
            "showcase/email/invitation.txt",
            {"member": profile.member, "mission": mission, "url": settings.SITE_URL + mission.get_absolute_url()},
        )
        send_mail("[Compagnons] Une invitation à candidater", body, None, [profile.member.email])
    return True


@task
def build_brochure(brochure_id: int) -> bool:
    """Render the two-page A4 brochure with WeasyPrint; progress is saved as it goes."""
    from weasyprint import HTML

    from compagnons.showcase import services

    brochure = Brochure.objects.select_related("profile__member").filter(pk=brochure_id).first()
    if brochure is None or brochure.status == Brochure.Status.READY:
        return False
    Brochure.objects.filter(pk=brochure.pk).update(status=Brochure.Status.RUNNING, progress=20)
    try:
        context = services.brochure_context(brochure.profile)
        from compagnons.credentials.services import page_url

        context["qr"] = {c.pk: _qr(page_url(c)) for c in context["credentials"]}
        Brochure.objects.filter(pk=brochure.pk).update(progress=50)
        html = render_to_string("showcase/brochure.html", context)
        pdf = HTML(string=html, base_url=settings.SITE_URL).write_pdf()
    except Exception:
        Brochure.objects.filter(pk=brochure.pk).update(status=Brochure.Status.FAILED, progress=0)
        raise
    with transaction.atomic():
        brochure = Brochure.objects.select_for_update(of=("self",)).get(pk=brochure.pk)
        if brochure.file:
            brochure.file.delete(save=False)
        brochure.file.save(f"plaquette-{brochure.profile.slug}.pdf", ContentFile(pdf), save=False)
        brochure.status, brochure.progress = Brochure.Status.READY, 100
        brochure.save()
    return True


def _qr(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=3, border=1)
