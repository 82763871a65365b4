"""Coaching writes: publish and cancel slots, book, move and cancel bookings, confirm a session, the calendar feed's
token, reminders. Every write takes the acting person as `by=`, runs in one transaction, is audited.

No double booking. The database holds what it can: `coaching_slot_never_overbooked` (booked_count ≤ capacity,
raised only by one conditional UPDATE), `coaching_booking_one_live_per_slot`, `coaching_slot_unique_coach_start`.
Overlaps across slots (a coach in two slots, a member in two bookings) cannot be a unique constraint: each check and
its write run with the person's `CoachingProfile` row locked (SELECT … FOR UPDATE on PostgreSQL; on SQLite the
transaction starts with a write, so SQLite — which has one writer at a time — serialises it)."""

import itertools
import math
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrulestr
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.coaching import notifications
from compagnons.coaching.models import Booking, CoachingProfile, Mode, Recurrence, Slot, Topic, new_token
from compagnons.coaching.permissions import can_book, can_coach
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.ledger.services import credit_coaching

MIN_MINUTES, MAX_MINUTES = 15, 240
MAX_CAPACITY = 50
MAX_OCCURRENCES = 400
ALL_TOPICS = sum(topic.value for topic in Topic)


def paris() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def profile_of(user: User) -> CoachingProfile:
    profile, _created = CoachingProfile.objects.get_or_create(user=user)
    return profile


def _lock(user: User) -> CoachingProfile:
    """Serialise what this person books or publishes until the transaction ends (see the module's docstring)."""
    profile = profile_of(user)
    if connection.vendor == "sqlite":
        CoachingProfile.objects.filter(pk=profile.pk).update(share_with_mentor=F("share_with_mentor"))
        return profile
    return CoachingProfile.objects.select_for_update().get(pk=profile.pk)


# --- Slots ------------------------------------------------------------------------------------------------------


def visio_link() -> str:
    return settings.COACHING_VISIO_URL_TEMPLATE.format(room=uuid.uuid4().hex)


def _check_slot_fields(*, duration_minutes: int, topics: int, mode: str, place: str, capacity: int) -> None:
    if not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        raise ValueError(_("Une séance dure de 15 minutes à 4 heures."))
    if not topics or topics & ~ALL_TOPICS:
        raise ValueError(_("Choisissez au moins un sujet."))
    if mode not in Mode.values:
        raise ValueError(_("Choisissez en visio ou sur place."))
    if mode == Mode.IN_PERSON and not place.strip():
        raise ValueError(_("Une séance sur place a besoin d'un lieu."))
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValueError(_("Une séance accueille de 1 à 50 personnes."))


def _check_no_overlap(coach: User, starts: list[datetime], duration: timedelta) -> None:
    """One query: the coach's open slots between the first start and the last end, compared in Python."""
    existing = list(
        Slot.objects.open()
        .filter(coach=coach)
        .overlapping(min(starts), max(starts) + duration)
        .values_list("starts_at", "ends_at")
    )
    for start in starts:
        for other_start, other_end in existing:
            if other_start < start + duration and other_end > start:
                local = timezone.localtime(start, paris())
                raise ValueError(
                    _("Ce créneau chevauche un de vos créneaux déjà publiés (le %(date)s).")
                    % {"date": local.strftime("%d/%m/%Y %H:%M")}
                )


def _slot(coach, start, duration, **fields) -> Slot:
    return Slot(coach=coach, starts_at=start, ends_at=start + duration, **fields)


@transaction.atomic
def publish_slot(
    *,
    by: User,
    starts_at: datetime,
    duration_minutes: int,
    topics: int,
    mode: str = Mode.REMOTE,
    place: str = "",
    visio_url: str = "",
    capacity: int = 1,
    title: str = "",
) -> Slot:
    """A one-off slot, or a group session when `capacity` > 1."""
    if not can_coach(by):
        raise PermissionRefused(_("Seuls les compagnons actifs et les formateurs proposent du coaching."))
    _check_slot_fields(duration_minutes=duration_minutes, topics=topics, mode=mode, place=place, capacity=capacity)
    if starts_at <= timezone.now():
        raise ValueError(_("Ce créneau est dans le passé : choisissez une date à venir."))
    if capacity > 1 and not title.strip():
        raise ValueError(_("Donnez un titre à la séance collective (par exemple « Permanence du jeudi »)."))
    _lock(by)
    duration = timedelta(minutes=duration_minutes)
    _check_no_overlap(by, [starts_at], duration)
    slot = _slot(
        by,
        starts_at,
        duration,
        topics=topics,
        mode=mode,
        place=place if mode == Mode.IN_PERSON else "",
        visio_url=(visio_url or visio_link()) if mode == Mode.REMOTE else "",
        capacity=capacity,
        title=title.strip(),
    )
    slot.save()
    audit.log(by, "coaching.slot_published", slot, capacity=capacity)
    return slot


def expand(rule: str, first_start_local: datetime) -> list[datetime]:
    """The occurrences of an RFC 5545 RRULE, from a wall-clock start in Europe/Paris, as aware datetimes: a weekly
    slot at 18:00 stays at 18:00 in Paris across both daylight-saving changes. Refuses a rule without an end
    (COUNT or UNTIL) and one that runs past a year."""
    text = rule.strip().removeprefix("RRULE:").strip()
    if not text:
        raise ValueError(_("Indiquez une règle de récurrence."))
    if not re.search(r"(^|;)\s*(COUNT|UNTIL)\s*=", text.upper()):
        raise ValueError(_("Cette récurrence ne finit jamais : ajoutez une fin (COUNT=… ou UNTIL=…), un an au plus."))
    naive = (
        timezone.make_naive(first_start_local, paris()) if timezone.is_aware(first_start_local) else first_start_local
    )
    text = re.sub(r"UNTIL=(\d{8}(T\d{6})?)Z", r"UNTIL=\1", text, flags=re.IGNORECASE)  # wall-clock, like DTSTART
    try:
        parsed = rrulestr(text, dtstart=naive)
    except (ValueError, TypeError, KeyError, IndexError):
        raise ValueError(
            _("Cette règle de récurrence n'est pas lisible (format RFC 5545, par exemple FREQ=WEEKLY;COUNT=10).")
        ) from None
    if getattr(parsed, "_freq", WEEKLY) not in (YEARLY, MONTHLY, WEEKLY, DAILY):
        raise ValueError(_("Une récurrence se répète au plus une fois par jour."))
    limit = naive + timedelta(days=365)
    occurrences = []
    for occurrence in parsed:
        if occurrence > limit or len(occurrences) >= MAX_OCCURRENCES:
            raise ValueError(_("Cette récurrence crée plus d'un an de séances : raccourcissez-la (un an au plus)."))
        occurrences.append(timezone.make_aware(occurrence, paris()))
    if not occurrences:
        raise ValueError(_("Cette règle ne donne aucune séance."))
    return occurrences


@transaction.atomic
def publish_recurrence(
    *,
    by: User,
    first_start: datetime,
    rrule: str,
    duration_minutes: int,
    topics: int,
    mode: str = Mode.REMOTE,
    place: str = "",
    visio_url: str = "",
    capacity: int = 1,
    title: str = "",
) -> Recurrence:
    """A weekly (or any) recurrence, expanded once into its slots; past occurrences are refused."""
    if not can_coach(by):
        raise PermissionRefused(_("Seuls les compagnons actifs et les formateurs proposent du coaching."))
    _check_slot_fields(duration_minutes=duration_minutes, topics=topics, mode=mode, place=place, capacity=capacity)
    starts = expand(rrule, first_start)
    if starts[0] <= timezone.now():
        raise ValueError(_("Cette récurrence commence dans le passé : choisissez une date à venir."))
    if capacity > 1 and not title.strip():
        raise ValueError(_("Donnez un titre à la séance collective (par exemple « Permanence du jeudi »)."))
    duration = timedelta(minutes=duration_minutes)
    if any(later - earlier < duration for earlier, later in itertools.pairwise(starts)):
        raise ValueError(_("Les séances de cette récurrence se chevauchent : raccourcissez la durée."))
    _lock(by)
    _check_no_overlap(by, starts, duration)
    recurrence = Recurrence.objects.create(
        coach=by, rrule=rrule.strip(), first_start=starts[0], duration_minutes=duration_minutes, title=title.strip()
    )
    link = (visio_url or visio_link()) if mode == Mode.REMOTE else ""
    Slot.objects.bulk_create(
        _slot(
            by,
            start,
            duration,
            recurrence=recurrence,
            topics=topics,
            mode=mode,
            place=place if mode == Mode.IN_PERSON else "",
            visio_url=link,
            capacity=capacity,
            title=title.strip(),
        )
        for start in starts
    )
    audit.log(by, "coaching.recurrence_published", recurrence, slots=len(starts))
    return recurrence


def _cancel_bookings_of(slot: Slot, now) -> list[int]:
    ids = list(slot.bookings.live().values_list("pk", flat=True))
    Booking.objects.filter(pk__in=ids).update(
        status=Booking.Status.CANCELLED, cancelled_at=now, sequence=F("sequence") + 1
    )
    return ids


def _send_later(booking_ids: list[int], method: str) -> None:
    for booking_id in booking_ids:
        transaction.on_commit(lambda pk=booking_id: notifications.send_invitation.enqueue(pk, method))


@transaction.atomic
def cancel_slot(slot: Slot, *, by: User) -> Slot:
    """The coach (or the team) withdraws a slot: its bookings are cancelled and everyone gets a CANCEL."""
    if by.pk != slot.coach_id and not is_team(by):
        raise PermissionRefused(_("Seul le coach peut annuler ce créneau."))
    now = timezone.now()
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    if slot.status != Slot.Status.OPEN:
        raise InvalidTransition(_("Ce créneau est déjà annulé."))
    if slot.starts_at <= now:
        raise InvalidTransition(_("Ce créneau a déjà commencé : il ne peut plus être annulé."))
    cancelled = _cancel_bookings_of(slot, now)
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.CANCELLED, booked_count=0)
    slot.refresh_from_db()
    audit.log(by, "coaching.slot_cancelled", slot, bookings=len(cancelled))
    _send_later(cancelled, "CANCEL")
    return slot


@transaction.atomic
def end_recurrence(recurrence: Recurrence, *, by: User) -> int:
    """Cancel the recurrence's future open slots (their bookings too). Returns how many slots."""
    if by.pk != recurrence.coach_id:
        raise PermissionRefused(_("Seul le coach peut arrêter cette récurrence."))
    now = timezone.now()
    slots = list(Slot.objects.select_for_update().open().filter(recurrence=recurrence, starts_at__gt=now))
    cancelled = []
    for slot in slots:
        cancelled += _cancel_bookings_of(slot, now)
    Slot.objects.filter(pk__in=[s.pk for s in slots]).update(status=Slot.Status.CANCELLED, booked_count=0)
    Recurrence.objects.filter(pk=recurrence.pk).update(ended_at=now)
    audit.log(by, "coaching.recurrence_ended", recurrence, slots=len(slots))
    _send_later(cancelled, "CANCEL")
    return len(slots)


# --- Bookings ---------------------------------------------------------------------------------------------------


def _why_not_bookable(slot: Slot, now) -> str:
    if slot.status != Slot.Status.OPEN:
        return _("Ce créneau a été annulé par le coach.")
    if slot.starts_at <= now + timedelta(minutes=settings.COACHING_BOOKING_CLOSE_MINUTES):
        return _("Les réservations de ce créneau sont closes.")
    return _("Ce créneau est complet.")


def _check_member_free(member: User, slot: Slot, *, except_booking: Booking | None = None) -> None:
    overlapping = Booking.objects.live().filter(
        member=member, slot__starts_at__lt=slot.ends_at, slot__ends_at__gt=slot.starts_at
    )
    if except_booking is not None:
        overlapping = overlapping.exclude(pk=except_booking.pk)
    if overlapping.filter(slot=slot).exists():
        raise InvalidTransition(_("Vous avez déjà réservé ce créneau."))
    if overlapping.exists():
        raise InvalidTransition(_("Vous avez déjà une séance réservée à ce moment-là."))


def _take_place(slot: Slot, now) -> Slot:
    """Lock the slot and take one place, or refuse: one conditional UPDATE, so the count never passes capacity."""
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    taken = (
        Slot.objects.bookable(now)
        .filter(pk=slot.pk, booked_count__lt=F("capacity"))
        .update(booked_count=F("booked_count") + 1)
    )
    if not taken:
        raise InvalidTransition(_why_not_bookable(slot, now))
    return slot


def _give_back_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked_count__gt=0).update(booked_count=F("booked_count") - 1)


@transaction.atomic
def book(slot: Slot, *, by: User, note: str = "") -> Booking:
    if not can_book(by):
        raise PermissionRefused(_("Le coaching est réservé aux apprentis et aux compagnons."))
    if slot.coach_id == by.pk:
        raise InvalidTransition(_("Vous ne pouvez pas réserver votre propre créneau."))
    now = timezone.now()
    _lock(by)
    open_count = Booking.objects.upcoming(now).filter(member=by).count()
    if open_count >= settings.COACHING_MAX_OPEN_BOOKINGS:
        raise InvalidTransition(
            _("Vous avez déjà %(n)s réservations à venir, le maximum : annulez-en une ou attendez qu'elle ait lieu.")
            % {"n": open_count}
        )
    slot = Slot.objects.get(pk=slot.pk)
    _check_member_free(by, slot)
    slot = _take_place(slot, now)
    booking = Booking.objects.create(slot=slot, member=by, note=note.strip()[:500])
    audit.log(by, "coaching.booked", booking, slot=slot.pk)
    _send_later([booking.pk], "REQUEST")
    return booking


def _check_deadline(booking: Booking, now, verb: str) -> None:
    hours = settings.COACHING_CANCEL_DEADLINE_HOURS
    if booking.slot.starts_at - now < timedelta(hours=hours):
        raise InvalidTransition(
            _(
                "Trop tard pour %(verb)s : la séance commence dans moins de %(hours)s heures. "
                "Prévenez votre coach directement."
            )
            % {"verb": verb, "hours": hours}
        )


@transaction.atomic
def cancel_booking(booking: Booking, *, by: User) -> Booking:
    if by.pk != booking.member_id:
        raise PermissionRefused(_("Seule la personne qui a réservé peut annuler."))
    now = timezone.now()
    _lock(by)
    booking = Booking.objects.select_related("slot").get(pk=booking.pk)
    if booking.status != Booking.Status.BOOKED:
        raise InvalidTransition(_("Cette réservation est déjà annulée."))
    _check_deadline(booking, now, _("annuler"))
    Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
        status=Booking.Status.CANCELLED, cancelled_at=now, sequence=F("sequence") + 1
    )
    _give_back_place(booking.slot_id)
    booking.refresh_from_db()
    audit.log(by, "coaching.booking_cancelled", booking)
    _send_later([booking.pk], "CANCEL")
    return booking


@transaction.atomic
def move_booking(booking: Booking, to: Slot, *, by: User) -> Booking:
    """Another slot of the same coach: the same calendar event (UID) at its new time, SEQUENCE + 1."""
    if by.pk != booking.member_id:
        raise PermissionRefused(_("Seule la personne qui a réservé peut déplacer la séance."))
    now = timezone.now()
    _lock(by)
    booking = Booking.objects.select_related("slot").get(pk=booking.pk)
    if booking.status != Booking.Status.BOOKED:
        raise InvalidTransition(_("Cette réservation est annulée : réservez un nouveau créneau."))
    if to.pk == booking.slot_id:
        raise InvalidTransition(_("La séance est déjà sur ce créneau."))
    if to.coach_id != booking.slot.coach_id:
        raise InvalidTransition(_("Une séance se déplace vers un autre créneau du même coach."))
    _check_deadline(booking, now, _("déplacer la séance"))
    to = Slot.objects.get(pk=to.pk)
    _check_member_free(by, to, except_booking=booking)
    old_slot = booking.slot_id
    to = _take_place(to, now)
    _give_back_place(old_slot)
    Booking.objects.filter(pk=booking.pk).update(
        slot=to, sequence=F("sequence") + 1, reminded_24h_at=None, reminded_1h_at=None
    )
    booking.refresh_from_db()
    audit.log(by, "coaching.booking_moved", booking, from_slot=old_slot, to_slot=to.pk)
    _send_later([booking.pk], "REQUEST")
    return booking


def credit_minutes(slot: Slot) -> int:
    """The coach's time per member: the whole session one-to-one, a share of it in a group (by capacity)."""
    return max(1, math.ceil(slot.duration_minutes / slot.capacity))


@transaction.atomic
def confirm_session(booking: Booking, *, by: User, says: str, coach_note: str = "") -> Booking:
    """After the session each side says whether it took place (or marks the other absent). When both say it took
    place, the coach's time is credited once (conditional UPDATE of `credited_at`, then an idempotent posting)."""
    if says not in (Booking.Attendance.HELD, Booking.Attendance.NO_SHOW):
        raise ValueError(_("Dites si la séance a eu lieu."))
    booking = Booking.objects.select_for_update(of=("self",)).select_related("slot").get(pk=booking.pk)
    if by.pk not in (booking.member_id, booking.slot.coach_id):
        raise PermissionRefused(_("Seuls le coach et la personne accompagnée confirment la séance."))
    if booking.status != Booking.Status.BOOKED:
        raise InvalidTransition(_("Cette réservation a été annulée."))
    if booking.slot.starts_at > timezone.now():
        raise InvalidTransition(_("La séance n'a pas encore eu lieu."))
    if booking.credited_at:
        raise InvalidTransition(_("Cette séance est déjà confirmée des deux côtés."))
    if by.pk == booking.slot.coach_id:
        booking.coach_says = says
        booking.coach_note = coach_note.strip()[:2000]
        fields = ["coach_says", "coach_note"]
    else:
        booking.member_says = says
        fields = ["member_says"]
    booking.save(update_fields=fields)
    audit.log(by, "coaching.session_confirmed", booking, says=says)
    if booking.is_done:
        now = timezone.now()
        if Booking.objects.filter(pk=booking.pk, credited_at__isnull=True).update(credited_at=now):
            booking.credited_at = now
            slot = booking.slot
            credit_coaching(booking, coach=slot.coach, member=booking.member, minutes=credit_minutes(slot))
    return booking


# --- The person's settings ----------------------------------------------------------------------------------------


@transaction.atomic
def renew_feed_token(*, by: User) -> CoachingProfile:
    """The old feed address stops working at once."""
    profile = profile_of(by)
    profile.feed_token = new_token()
    profile.save(update_fields=["feed_token"])
    audit.log(by, "coaching.feed_renewed", by)
    return profile


@transaction.atomic
def set_sharing(*, by: User, share: bool) -> CoachingProfile:
    profile = profile_of(by)
    profile.share_with_mentor = share
    profile.save(update_fields=["share_with_mentor"])
    audit.log(by, "coaching.sharing_set", by, share=share)
    return profile


# --- Reminders --------------------------------------------------------------------------------------------------

REMINDERS = {"24h": (timedelta(hours=1), timedelta(hours=24)), "1h": (timedelta(0), timedelta(hours=1))}


def claim_reminders(now=None) -> list[tuple[int, str]]:
    """Bookings whose 24 h or 1 h reminder is due, each claimed by a conditional UPDATE first (the reminder's
    timestamp set only where still empty): a second run, or a second worker, claims nothing and sends nothing."""
    now = now or timezone.now()
    claimed = []
    for which, (after, before) in REMINDERS.items():
        field = f"reminded_{which}_at"
        due = Booking.objects.live().filter(
            slot__starts_at__gt=now + after, slot__starts_at__lte=now + before, **{f"{field}__isnull": True}
        )
        for pk in list(due.values_list("pk", flat=True)[:1000]):
            if Booking.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}):
                claimed.append((pk, which))
    return claimed
