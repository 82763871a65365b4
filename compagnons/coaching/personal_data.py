"""What coaching holds about a person, for the export and the erasure of their account."""

from compagnons.accounts.models import User
from compagnons.coaching.models import Booking, CoachingProfile, Slot


def export(user: User) -> dict:
    return {
        "slots": [
            {"starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(), "title": s.title, "place": s.place}
            for s in Slot.objects.filter(coach=user)
        ],
        "bookings": [
            {
                "starts_at": b.slot.starts_at.isoformat(),
                "status": b.status,
                "note": b.note,
                "coach_note": b.coach_note,
                "you_said": b.member_says,
            }
            for b in Booking.objects.filter(member=user).select_related("slot")
        ],
        "share_with_mentor": CoachingProfile.objects.filter(user=user, share_with_mentor=True).exists(),
    }


def erase(user: User, traces: list[str]) -> None:
    """Sessions stay (the other side's record and the ledger depend on them) without free text; the feed token
    goes, so the feed address dies."""
    Booking.objects.filter(member=user).update(note="")
    Booking.objects.filter(slot__coach=user).update(coach_note="")
    Slot.objects.filter(coach=user).update(place="", title="")
    CoachingProfile.objects.filter(user=user).delete()
