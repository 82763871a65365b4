"""Coaching: at 100,000 members, 5,000 coaches (compagnons), 1,000,000 slots (200 each, one every 36 hours from
two months ago to eight months ahead, one in twenty a group session of 8) and 300,000 bookings. bench-compagnon is
a busy coach (a slot every 36 hours, a year of them in their calendar feed); bench-apprenti holds three upcoming
bookings with them and twenty past ones. Rows are streamed batch by batch (never a million objects in memory)."""

from datetime import timedelta

from bench import BENCH_APPRENTICE, BENCH_COMPAGNON
from bench.scale.registry import ScaleContext, role_ids, seeder
from compagnons.accounts.models import Role, User
from compagnons.coaching.models import Booking, CoachingProfile, Mode, Slot, Topic

COACH_SHARE = 20  # one member in 20 coaches
SLOTS_PER_USER = 10
BOOKINGS_PER_USER = 3
GROUP_EVERY = 20
GROUP_CAPACITY = 8
SPACING = timedelta(hours=36)
TOPIC_MASKS = [Topic.PITCH | Topic.PRIX, Topic.STATUT, Topic.OUTILS | Topic.AUTRE, Topic.CANDIDATURE, Topic.PITCH]


def _done(ctx: ScaleContext) -> bool:
    """bench-apprenti's bookings are written last, in the same transaction as the slots."""
    return Booking.objects.filter(member__email=BENCH_APPRENTICE).exists()


@seeder("coaching.slots_and_bookings", done=_done)
def seed_coaching(ctx: ScaleContext) -> int:
    rng = ctx.rng_for("coaching.slots_and_bookings")
    bench_coach = User.objects.get(email=BENCH_COMPAGNON)
    bench_member = User.objects.get(email=BENCH_APPRENTICE)
    compagnons = [pk for pk in role_ids(Role.COMPAGNON) if pk != bench_coach.pk]
    coaches = [bench_coach.pk, *compagnons[: max(1, ctx.users // COACH_SHARE - 1)]]
    members = [pk for pk in role_ids(Role.APPRENTICE) + compagnons if pk != bench_member.pk]
    per_coach = ctx.users * SLOTS_PER_USER // len(coaches)
    booking_rate = BOOKINGS_PER_USER / SLOTS_PER_USER
    base = ctx.now.replace(minute=0, second=0, microsecond=0) - timedelta(days=60)
    rows = 0
    booked_member = 0

    def slots():
        for c, coach in enumerate(coaches):
            offset = timedelta(hours=c % 12)
            for k in range(per_coach):
                start = base + offset + k * SPACING
                group = k % GROUP_EVERY == 0
                yield Slot(
                    coach_id=coach,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=90 if group else 45),
                    topics=TOPIC_MASKS[(c + k) % len(TOPIC_MASKS)],
                    mode=Mode.REMOTE,
                    visio_url=f"https://meet.jit.si/compagnons-banc-{c}-{k}",
                    capacity=GROUP_CAPACITY if group else 1,
                    title="Permanence du jeudi" if group else "",
                    created_at=start - timedelta(days=14),
                )

    batch = []
    for slot in slots():
        batch.append(slot)
        if len(batch) == ctx.batch_size:
            rows += _flush(ctx, batch, members, rng, booking_rate, bench_coach.pk)
            batch = []
    if batch:
        rows += _flush(ctx, batch, members, rng, booking_rate, bench_coach.pk)

    # bench-apprenti: three upcoming bookings and twenty past ones with the busy coach.
    theirs = Slot.objects.filter(coach=bench_coach, capacity=1, booked_count=0)
    upcoming = list(theirs.filter(starts_at__gt=ctx.now + timedelta(days=2)).order_by("starts_at")[:3])
    past = list(theirs.filter(starts_at__lt=ctx.now).order_by("-starts_at")[:20])
    for slot in upcoming + past:
        Booking.objects.create(slot=slot, member=bench_member)
        booked_member += 1
    Slot.objects.filter(pk__in=[s.pk for s in upcoming + past]).update(booked_count=1)
    for user in (bench_coach, bench_member):
        CoachingProfile.objects.get_or_create(user=user)
    return rows + booked_member


def _flush(ctx, batch, members, rng, booking_rate, bench_coach_id) -> int:
    """Insert a batch of slots, then its bookings: a one-to-one slot is booked with probability `booking_rate`,
    a group session gets a few members; booked_count is set before the insert, so it always matches."""
    bookings = []
    for slot in batch:
        if slot.coach_id == bench_coach_id and slot.capacity == 1:
            continue  # bench-apprenti's sessions are placed afterwards
        taken = rng.randint(2, slot.capacity) if slot.capacity > 1 else int(rng.random() < booking_rate)
        slot.booked_count = taken
        bookings.append((slot, rng.sample(members, taken) if taken else []))
    created = Slot.objects.bulk_create(batch, batch_size=ctx.batch_size)
    rows = len(created)
    rows += ctx.bulk(Booking, (Booking(slot_id=slot.pk, member_id=m) for slot, who in bookings for m in who))
    return rows
