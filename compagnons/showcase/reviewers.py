"""Reads: who may read a member's page or pitch — their own mentor by default, any other compagnon by address."""

from compagnons.accounts.models import Role, User
from compagnons.apprenticeship.models import Mentorship


def mentor_of(member: User) -> User | None:
    mentorship = Mentorship.objects.active().filter(apprentice=member).select_related("mentor").first()
    return mentorship.mentor if mentorship else None


def compagnon_by_email(email: str) -> User | None:
    return User.objects.active().with_role(Role.COMPAGNON).filter(email__iexact=email).first()
