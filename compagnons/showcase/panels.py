from compagnons.core.dashboard import Panel
from compagnons.showcase.models import ContactMessage, Pitch, Profile


def showcase_panel(request) -> Panel | None:
    """My page (published or not), messages received, reviews asked of me. Three queries."""
    user = request.user
    if not (user.is_apprentice or user.is_compagnon):
        return None
    profile = Profile.objects.filter(member=user).first()
    to_review = Profile.objects.filter(review_requested_from=user, reviewed_at__isnull=True).count() + (
        Pitch.objects.filter(reviewer=user, status=Pitch.Status.IN_REVIEW).count()
    )
    received = ContactMessage.objects.filter(profile__member=user).count() if profile else 0
    return Panel("showcase/panel.html", {"profile": profile, "to_review": to_review, "received": received})
