"""Every write on accounts: sign-up, roles, charter, profile, personal data export and erasure."""

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import CharterAcceptance, CharterVersion, Role, RoleGrant, User
from compagnons.core import audit
from compagnons.core.compiled import Compiled
from compagnons.core.exceptions import PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.core.permissions import is_team

CURRENT_CHARTER_CACHE_KEY = "accounts:current-charter"


def _totp_authenticators(user_id):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.TOTP)


_HAS_TOTP = Compiled(_totp_authenticators)


class Intent:
    """What a person comes for, as asked at sign-up."""

    LEARN = "learn"
    POST_MISSIONS = "post"
    TRANSMIT = "transmit"


# --- Sign-up and roles --------------------------------------------------------------------


@transaction.atomic
def register_member(user: User, *, intents: list[str]) -> User:
    """Give a new member the roles their intents call for. "Transmettre" never makes a compagnon:
    it files a request that staff review (recognition of experience)."""
    if Intent.LEARN in intents:
        RoleGrant.objects.get_or_create(user=user, role=Role.APPRENTICE)
    if Intent.POST_MISSIONS in intents:
        RoleGrant.objects.get_or_create(user=user, role=Role.CLIENT)
    if Intent.TRANSMIT in intents and user.transmit_requested_at is None:
        user.transmit_requested_at = timezone.now()
        user.save(update_fields=["transmit_requested_at"])
    user.__dict__.pop("roles", None)
    audit.log(user, "account.signed_up", user, intents=sorted(intents))
    welcome_member(user)
    return user


# Apps above accounts give a new member something at sign-up (the ledger opens their account with its welcome
# grant): each registers a step from its AppConfig.ready(), so this layer never imports them. Not a signal: the
# steps run here, explicitly, inside the sign-up transaction.
_welcome_steps: list = []


def register_welcome_step(step) -> None:
    """`step(user)`: what a higher app does for every new member. It must be idempotent."""
    if step not in _welcome_steps:
        _welcome_steps.append(step)


def welcome_member(user: User) -> None:
    """Run every registered welcome step for `user` (sign-up, demo data). Idempotent."""
    for step in _welcome_steps:
        step(user)


def _check_staff(by: User) -> None:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe peut attribuer ou retirer un rôle."))


@transaction.atomic
def grant_role(user: User, role: str, *, by: User, reason: str = "") -> RoleGrant:
    """Staff grant a role. Compagnon needs a stated reason (evidence of experience, or the jury's decision)."""
    _check_staff(by)
    if role not in Role.values:
        raise ValueError(role)
    if role == Role.COMPAGNON and not reason.strip():
        raise ValueError(_("Indiquez sur quelle expérience repose la reconnaissance comme compagnon."))
    grant, created = RoleGrant.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": by, "reason": reason.strip()}
    )
    if created:
        if role == Role.STAFF and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        audit.log(by, "account.role_granted", user, role=role)
    user.__dict__.pop("roles", None)
    return grant


@transaction.atomic
def revoke_role(user: User, role: str, *, by: User) -> bool:
    _check_staff(by)
    if role == Role.STAFF and user.pk == by.pk:
        raise ValueError(_("Vous ne pouvez pas retirer votre propre rôle d'équipe."))
    deleted, _count = RoleGrant.objects.filter(user=user, role=role).delete()
    if deleted:
        if role == Role.STAFF and user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
        audit.log(by, "account.role_revoked", user, role=role)
    user.__dict__.pop("roles", None)
    return bool(deleted)


def recognise_founding_compagnon(user: User, *, by: User, evidence: str) -> RoleGrant:
    """Staff recognise an experienced member as a compagnon fondateur (the first links of the chain)."""
    return grant_role(user, Role.COMPAGNON, by=by, reason=evidence)


# --- Charter ------------------------------------------------------------------------------


def current_charter() -> CharterVersion | None:
    """The version everyone must have accepted. Cached: asked on every request of a member."""
    charter_id = cache.get(CURRENT_CHARTER_CACHE_KEY)
    if charter_id is None:
        charter = CharterVersion.objects.current()
        cache.set(CURRENT_CHARTER_CACHE_KEY, charter.pk if charter else 0, 300)
        return charter
    if charter_id == 0:
        return None
    return CharterVersion.objects.filter(pk=charter_id).first()


def current_charter_id() -> int:
    charter_id = cache.get(CURRENT_CHARTER_CACHE_KEY)
    if charter_id is None:
        charter = current_charter()
        return charter.pk if charter else 0
    return charter_id


def has_mfa(user: User) -> bool:
    """Whether the member set up double authentication (an authenticator app; recovery codes alone do not count)."""
    return _HAS_TOTP.exists(user_id=user.pk)  # asked at each request of a team member: compiled once


def has_accepted_current_charter(user: User) -> bool:
    """Asked once a request at most: an acceptance found is kept on the user object (the charter middleware asks,
    then the page — may they post? — asks again); an acceptance is never withdrawn, a refusal is asked again."""
    charter_id = current_charter_id()
    if not charter_id:
        return True
    if getattr(user, "_accepted_charter_id", None) == charter_id:
        return True
    accepted = CharterAcceptance.objects.filter(user=user, charter_id=charter_id).exists()
    if accepted:
        user._accepted_charter_id = charter_id
    return accepted


@transaction.atomic
def accept_charter(user: User, charter: CharterVersion) -> CharterAcceptance:
    """Record the acceptance; accepting twice keeps the first date."""
    if charter.published_at is None:
        raise ValueError(_("Cette version de la charte n'est pas publiée."))
    acceptance, created = CharterAcceptance.objects.get_or_create(user=user, charter=charter)
    if created:
        audit.log(user, "charter.accepted", charter, version=charter.version)
    return acceptance


@transaction.atomic
def publish_charter(charter: CharterVersion, *, by: User) -> CharterVersion:
    """Publish a new version: from now on, every member is asked to accept it before going on."""
    _check_staff(by)
    if charter.published_at is not None:
        raise ValueError(_("Cette version est déjà publiée."))
    latest = CharterVersion.objects.published().order_by("-version").first()
    if latest and charter.version <= latest.version:
        raise ValueError(_("Une nouvelle version doit porter un numéro plus grand que la version en vigueur."))
    charter.published_at = timezone.now()
    charter.save(update_fields=["published_at"])
    audit.log(by, "charter.published", charter, version=charter.version)
    # Forget the cached version now, and again once committed (a request may have re-read the old one meanwhile).
    cache.delete(CURRENT_CHARTER_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CURRENT_CHARTER_CACHE_KEY))
    return charter


# --- Profile ------------------------------------------------------------------------------

PROFILE_FIELDS = ["first_name", "last_name", "trade", "region", "languages", "availability", "availability_note"]
NOTIFICATION_FIELDS = ["notify_by_email", "digest"]


@transaction.atomic
def update_profile(user: User, *, changed: list[str]) -> User:
    user.save()
    if changed:
        audit.log(user, "account.profile_updated", user, fields=sorted(changed))
    return user


# --- Personal data: export and erasure ---------------------------------------------------

# Apps above accounts hold personal data too: each registers what it exports and how it erases,
# from its AppConfig.ready(), so this layer never imports them.
_personal_data_sections: dict[str, tuple] = {}


def register_personal_data(section: str, *, export, erase) -> None:
    """`export(user) -> JSON-ready data`; `erase(user, traces)` deletes or anonymises (traces: the
    person's e-mail and names, to scrub from free text others keep)."""
    _personal_data_sections[section] = (export, erase)


def export_personal_data(user: User, *, by: User) -> dict[str, Any]:
    """Everything the platform holds about a person, as JSON-ready data (RGPD articles 15 and 20)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    data: dict[str, Any] = {
        "format": "compagnons-export/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "profile": {field: getattr(user, field) for field in PROFILE_FIELDS},
        "notifications": {field: getattr(user, field) for field in NOTIFICATION_FIELDS},
        "transmit_requested_at": user.transmit_requested_at.isoformat() if user.transmit_requested_at else None,
        "roles": [
            {"role": g.role, "granted_at": g.granted_at.isoformat(), "reason": g.reason}
            for g in user.role_grants.order_by("granted_at")
        ],
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "mfa": [
            {"type": a.type, "created_at": a.created_at.isoformat()}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "charter_acceptances": [
            {"version": a.charter.version, "accepted_at": a.accepted_at.isoformat()}
            for a in user.charter_acceptances.select_related("charter").order_by("accepted_at")
        ],
        "activity": [
            {"at": e.created_at.isoformat(), "action": e.action, "object": e.target_repr, "data": e.data}
            for e in AuditLog.objects.involving_user(user).order_by("created_at")
        ],
    }
    for section, (export, _erase) in sorted(_personal_data_sections.items()):
        data[section] = export(user)
    audit.log(by, "account.data_exported", user)
    return data


def erased_email(user: User) -> str:
    return f"compte-supprime-{user.pk}@invalid.invalid"


@transaction.atomic
def erase_account(user: User, *, by: User) -> User:
    """Erase a person's personal data and keep the records others depend on, anonymised.

    The User row stays (sessions, missions, ledger entries and statistics point at it) but holds
    nothing personal any more; what the law requires us to keep is listed in docs/privacy.md.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if user.erased_at is not None:
        return user
    if by.pk != user.pk:
        _check_staff(by)
    traces = [t for t in (user.email, user.first_name, user.last_name) if t and len(t) > 2]

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = erased_email(user)
    for field in ["first_name", "last_name", "trade", "languages", "availability_note"]:
        setattr(user, field, "")
    user.region = ""
    user.availability = ""
    user.notify_by_email = False
    user.transmit_requested_at = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.erased_at = timezone.now()
    user.save()
    RoleGrant.objects.filter(user=user).update(reason="")
    for _export, erase in _personal_data_sections.values():
        erase(user, traces)
    _scrub_audit_log(user, traces)
    audit.log(by if by.pk != user.pk else None, "account.erased", user)
    return user


def _scrub_audit_log(user: User, traces: list[str]) -> None:
    """The audit log keeps what happened, but no longer who it was (beyond the anonymous member number)."""
    entries = AuditLog.objects.involving_user(user)
    for trace in traces:
        entries = entries | AuditLog.objects.filter(Q(target_repr__icontains=trace))
    for entry in entries.distinct():
        text_repr, data = entry.target_repr, entry.data
        for trace in traces:
            text_repr = replace_ci(text_repr, trace, user.audit_label())
            data = _scrub(data, trace, user.audit_label())
        if (text_repr, data) != (entry.target_repr, entry.data):
            entry.target_repr, entry.data = text_repr, data
            entry.save(update_fields=["target_repr", "data"])


def replace_ci(text: str, old: str, new: str) -> str:
    lowered, needle = text.lower(), old.lower()
    out, i = [], 0
    while (j := lowered.find(needle, i)) != -1:
        out.append(text[i:j] + new)
        i = j + len(old)
    out.append(text[i:])
    return "".join(out)


def _scrub(value: Any, trace: str, replacement: str) -> Any:
    if isinstance(value, str):
        return replace_ci(value, trace, replacement)
    if isinstance(value, list):
        return [_scrub(v, trace, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, trace, replacement) for k, v in value.items()}
    return value
