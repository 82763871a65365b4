"""Writes: create, revoke and mark the use of personal access tokens. Audited (never the secret)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.api import tokens
from compagnons.api.models import TEAM_SCOPES, AccessToken, Scope
from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team

LAST_USE_PRECISION = timedelta(minutes=1)  # the last use is written at most once a minute per token


@transaction.atomic
def create_token(user: User, *, name: str, scopes: list[str], days: int, by: User) -> tuple[AccessToken, str]:
    """A new token for `user` (only by themselves); returns it with its secret, shown once and never stored."""
    if by.pk != user.pk:
        raise PermissionRefused(_("Chacun crée ses propres jetons."))
    name = name.strip()
    if not name:
        raise InvalidTransition(_("Donnez un nom à ce jeton (par exemple, l'outil qui l'utilise)."))
    scopes = sorted(set(scopes))
    if not scopes or any(scope not in Scope.values for scope in scopes):
        raise InvalidTransition(_("Choisissez au moins un droit parmi ceux proposés."))
    if TEAM_SCOPES & set(scopes) and not is_team(user):
        raise PermissionRefused(_("Ce droit est réservé à l'équipe."))
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise InvalidTransition(_("Un jeton vaut entre 1 et %(max)s jours.") % {"max": settings.API_TOKEN_MAX_DAYS})
    secret = tokens.new_secret()
    token = AccessToken.objects.create(
        user=user,
        name=name[:80],
        prefix=secret[:12],
        digest=tokens.digest(secret),
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.log(by, "api.token_created", token, scopes=scopes, days=days)
    return token, secret


@transaction.atomic
def revoke_token(token: AccessToken, *, by: User) -> AccessToken:
    if by.pk != token.user_id:
        raise PermissionRefused(_("Seul son titulaire révoque un jeton."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.log(by, "api.token_revoked", token)
    return token


def mark_used(token: AccessToken) -> None:
    """Record the last use: one conditional UPDATE, and none within a minute of the previous one."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USE_PRECISION:
        return
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
