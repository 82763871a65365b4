"""The path. For now, its first brick: who mentors whom (the full pairing flow comes with the path issue)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MentorshipQuerySet(models.QuerySet):
    def active(self) -> "MentorshipQuerySet":
        return self.filter(ended_at__isnull=True)


class Mentorship(models.Model):
    """A compagnon accompanying an apprentice. One active mentorship per apprentice; history is kept."""

    apprentice = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorships_as_apprentice"
    )
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentorships_as_mentor")
    started_at = models.DateTimeField(_("début"), default=timezone.now)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    end_reason = models.TextField(_("motif de fin"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("accompagnement")
        verbose_name_plural = _("accompagnements")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprentice"], condition=Q(ended_at__isnull=True), name="mentorship_one_active_per_apprentice"
            ),
            models.CheckConstraint(condition=~Q(apprentice=F("mentor")), name="mentorship_not_self"),
        ]

    def __str__(self) -> str:
        return f"Accompagnement n°{self.pk}"

    def audit_label(self) -> str:
        return str(self)
