"""Coaching on demand: slots a coach publishes (one-off, from a weekly recurrence, or group sessions with a
capacity), bookings members make on them, and each person's private calendar feed.

No double booking is held by the database: a slot's `booked_count` never exceeds its `capacity` (a check
constraint, raised only by one conditional UPDATE), a member holds at most one live booking per slot (a partial
unique constraint); overlaps across slots are checked under row locks (see services)."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Topic(models.IntegerChoices):
    """Bits of `Slot.topics`: a slot may cover several (a bit mask filters on SQLite and PostgreSQL alike)."""

    PITCH = 1, _("Pitch")
    PRIX = 2, _("Prix")
    STATUT = 4, _("Statut")
    OUTILS = 8, _("Outils")
    CANDIDATURE = 16, _("Candidature")
    AUTRE = 32, _("Autre")


def topic_labels(mask: int) -> list[str]:
    return [str(topic.label) for topic in Topic if mask & topic.value]


class Mode(models.TextChoices):
    REMOTE = "remote", _("En visio")
    IN_PERSON = "in_person", _("Sur place")


class Recurrence(models.Model):
    """A weekly (or any RFC 5545) rule a coach published: its slots were expanded once, at most a year of them."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_recurrences", verbose_name=_("coach")
    )
    rrule = models.CharField(_("règle de récurrence (RFC 5545)"), max_length=300)
    first_start = models.DateTimeField(_("première séance"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))
    title = models.CharField(_("titre"), max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("récurrence")
        verbose_name_plural = _("récurrences")

    def __str__(self) -> str:
        return f"{self.rrule} ({self.coach_id})"

    @property
    def audit_label(self) -> str:
        return f"recurrence #{self.pk}"


class SlotQuerySet(models.QuerySet):
    def open(self) -> "SlotQuerySet":
        return self.filter(status=Slot.Status.OPEN)

    def bookable(self, now=None) -> "SlotQuerySet":
        """Open, not full, and not yet closed to booking (COACHING_BOOKING_CLOSE_MINUTES before it starts)."""
        now = now or timezone.now()
        close = timedelta(minutes=settings.COACHING_BOOKING_CLOSE_MINUTES)
        return self.open().filter(starts_at__gt=now + close, booked_count__lt=F("capacity"))

    def about(self, topic: int) -> "SlotQuerySet":
        return self.annotate(topic_bit=F("topics").bitand(topic)).filter(topic_bit__gt=0)

    def overlapping(self, starts_at, ends_at) -> "SlotQuerySet":
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Slot(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Ouvert")
        CANCELLED = "cancelled", _("Annulé")

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_slots", verbose_name=_("coach")
    )
    recurrence = models.ForeignKey(Recurrence, on_delete=models.SET_NULL, null=True, blank=True, related_name="slots")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    topics = models.PositiveSmallIntegerField(_("sujets"), default=Topic.AUTRE)
    mode = models.CharField(_("format"), max_length=10, choices=Mode, default=Mode.REMOTE)
    visio_url = models.URLField(_("lien de visio"), blank=True)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=1)
    title = models.CharField(_("titre"), max_length=120, blank=True)
    booked_count = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="coaching_slot_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="coaching_slot_capacity_positive"),
            models.CheckConstraint(condition=Q(booked_count__lte=F("capacity")), name="coaching_slot_never_overbooked"),
            # A coach never holds two open slots starting at the same moment (overlaps in general: under a lock).
            models.UniqueConstraint(
                fields=["coach", "starts_at"], condition=Q(status="open"), name="coaching_slot_unique_coach_start"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="coaching_slot_open_start"),
            models.Index(fields=["coach", "starts_at"], name="coaching_slot_coach_start"),
            # The open group sessions (the give-back count of nearly full ones on the contributions page): read from
            # the index alone (1.3 s over a million slots without it, 5 ms with it; SQLite picks it over the one above).
            models.Index(
                fields=["status", "starts_at", "capacity", "booked_count"],
                condition=Q(capacity__gt=1),
                name="coaching_slot_open_groups",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title or _('Créneau')} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def audit_label(self) -> str:
        return f"slot #{self.pk}"

    @property
    def is_group(self) -> bool:
        return self.capacity > 1

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.booked_count)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def topic_labels(self) -> list[str]:
        return topic_labels(self.topics)


class BookingQuerySet(models.QuerySet):
    def live(self) -> "BookingQuerySet":
        return self.filter(status=Booking.Status.BOOKED)

    def upcoming(self, now=None) -> "BookingQuerySet":
        return self.live().filter(slot__starts_at__gt=now or timezone.now())


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Réservée")
        CANCELLED = "cancelled", _("Annulée")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Pas encore dit")
        HELD = "held", _("La séance a eu lieu")
        NO_SHOW = "no_show", _("Absence")

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_bookings", verbose_name=_("membre")
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.BOOKED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    note = models.CharField(_("sujet à aborder"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_24h_at = models.DateTimeField(null=True, blank=True)
    reminded_1h_at = models.DateTimeField(null=True, blank=True)
    coach_says = models.CharField(max_length=8, choices=Attendance, default=Attendance.UNKNOWN, blank=True)
    member_says = models.CharField(max_length=8, choices=Attendance, default=Attendance.UNKNOWN, blank=True)
    coach_note = models.TextField(_("mot du coach"), blank=True, max_length=2000)
    credited_at = models.DateTimeField(null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "member"], condition=Q(status="booked"), name="coaching_booking_one_live_per_slot"
            ),
        ]
        indexes = [models.Index(fields=["member", "status"], name="coaching_booking_member")]

    def __str__(self) -> str:
        return f"booking #{self.pk}"

    audit_label = property(__str__)

    @property
    def is_done(self) -> bool:
        return self.coach_says == self.member_says == Booking.Attendance.HELD


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CoachingProfile(models.Model):
    """One per person who coaches or books: the private calendar feed's token, the choice to share with the
    mentor, and the row locked to serialise a person's bookings and slots (overlaps)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_profile")
    feed_token = models.CharField(max_length=64, unique=True, default=new_token)
    share_with_mentor = models.BooleanField(_("partager mes séances avec mon compagnon"), default=False)

    class Meta:
        verbose_name = _("profil de coaching")
        verbose_name_plural = _("profils de coaching")

    def __str__(self) -> str:
        return f"coaching profile #{self.pk}"
