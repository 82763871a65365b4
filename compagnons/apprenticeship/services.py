from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.apprenticeship.models import Mentorship
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused


@transaction.atomic
def assign_mentor(apprentice: User, mentor: User, *, by: User, reason: str = "") -> Mentorship:
    """Staff pair an apprentice with a compagnon; a previous mentorship ends with a reason."""
    if not (by.is_authenticated and by.is_formateur):
        raise PermissionRefused(_("Seule l'équipe attribue un compagnon."))
    if not mentor.is_compagnon:
        raise InvalidTransition(_("Seul un compagnon peut accompagner un apprenti."))
    if mentor.pk == apprentice.pk:
        raise InvalidTransition(_("On ne s'accompagne pas soi-même."))
    current = Mentorship.objects.select_for_update().active().filter(apprentice=apprentice).first()
    if current and current.mentor_id == mentor.pk:
        return current
    if current:
        end_mentorship(current, by=by, reason=reason or _("Changement de compagnon"))
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(apprentice=apprentice, mentor=mentor, assigned_by=by)
    except IntegrityError:
        raise InvalidTransition(_("Cet apprenti a déjà un compagnon.")) from None
    audit.log(by, "mentorship.started", mentorship, apprentice=apprentice.pk, mentor=mentor.pk)
    return mentorship


@transaction.atomic
def end_mentorship(mentorship: Mentorship, *, by: User, reason: str) -> Mentorship:
    if not reason.strip():
        raise InvalidTransition(_("Indiquez pourquoi l'accompagnement se termine."))
    mentorship.ended_at = timezone.now()
    mentorship.end_reason = reason.strip()
    mentorship.save(update_fields=["ended_at", "end_reason"])
    audit.log(by, "mentorship.ended", mentorship)
    return mentorship


def is_mentor_of(user: User, member: User) -> bool:
    return Mentorship.objects.active().filter(mentor=user, apprentice=member).exists()
