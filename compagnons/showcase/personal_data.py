"""What the showcase holds about a person: all of it is theirs to take away, and goes with the account."""

from compagnons.showcase.models import ContactMessage, Pitch, Profile
from compagnons.showcase.share import delete_share_images


def export(user) -> dict:
    profile = Profile.objects.filter(member=user).first()
    return {
        "page": (
            {
                "slug": profile.slug,
                "headline": profile.headline,
                "audience": profile.audience,
                "how_i_work": profile.how_i_work,
                "published": profile.published,
                "services": list(profile.services.values("title", "price_cents", "unit", "hours")),
            }
            if profile
            else None
        ),
        "pitches": list(Pitch.objects.filter(member=user).values("version", "text", "status", "review_comment")),
        "messages_received": list(
            ContactMessage.objects.filter(profile__member=user).values("sender_name", "body", "created_at")
        ),
    }


def erase(user, traces: list[str]) -> None:
    """The page, its photo and files, the pitches and the messages received are deleted."""
    for profile in Profile.objects.filter(member=user):
        if profile.photo:
            profile.photo.delete(save=False)
        for item in profile.portfolio.all():
            if item.file:
                item.file.delete(save=False)
            if item.thumbnail:
                item.thumbnail.delete(save=False)
        delete_share_images(profile)
        brochure = getattr(profile, "brochure", None) if hasattr(profile, "brochure") else None
        if brochure is not None and brochure.file:
            brochure.file.delete(save=False)
        profile.delete()
    Pitch.objects.filter(member=user).delete()
