"""Personal links that work without logging in: a signed, expiring token bound to one person and one object.

Used by the outcome follow-up surveys and the satisfaction surveys. The token names its purpose, the object and the
person; the link also carries the object's id, so a token copied onto another person's link, altered by hand or older
than `max_age` is refused with a plain French message. The signature uses SECRET_KEY with a per-purpose salt.
"""

from datetime import timedelta

from django.core import signing
from django.utils.translation import gettext as _

SALT = "compagnons.personal-link"


class InvalidLink(Exception):
    """The link cannot be used; str(error) is the French message to show."""


class ExpiredLink(InvalidLink):
    pass


def refused(request, error: InvalidLink):
    """The page for a link that cannot serve: 410 when it has expired, 403 otherwise, with the error's message."""
    from django.shortcuts import render

    status = 410 if isinstance(error, ExpiredLink) else 403
    return render(request, "core/link_refused.html", {"message": str(error)}, status=status)


def make(purpose: str, obj_pk: int, person_pk: int) -> str:
    return signing.dumps({"u": purpose, "o": obj_pk, "p": person_pk}, salt=f"{SALT}:{purpose}", compress=True)


def check(
    token: str, *, purpose: str, obj_pk: int, person_pk: int, max_age: timedelta, person_active: bool = True
) -> None:
    """Raise ExpiredLink or InvalidLink unless `token` was made for exactly this purpose, object and person, and
    that person's account is still active (a deactivated or erased account's links no longer answer)."""
    try:
        data = signing.loads(token, salt=f"{SALT}:{purpose}", max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredLink(_("Ce lien a expiré. Écrivez-nous : nous vous en enverrons un nouveau.")) from error
    except signing.BadSignature as error:
        raise InvalidLink(_("Ce lien n'est pas valable. Vérifiez qu'il a été copié en entier.")) from error
    if data != {"u": purpose, "o": obj_pk, "p": person_pk}:
        raise InvalidLink(_("Ce lien n'est pas valable pour ce questionnaire."))
    if not person_active:
        raise InvalidLink(_("Ce lien n'est plus valable."))
