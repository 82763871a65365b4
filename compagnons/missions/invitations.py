"""A mission proposed from a member's public page invites that member to apply once staff publish it.

The public page lives in `showcase`, a higher layer: it registers, from its `AppConfig.ready()`, how to find the
member behind a page's address and how to deliver the invitation (its `Invitation`, its e-mail). Missions never
imports it: without a registered page, a mission is simply proposed without an invitation.
"""

import re
from collections.abc import Callable

from compagnons.accounts.models import User

_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
_finder: Callable[[str], User | None] | None = None
_deliverer: Callable[..., bool] | None = None


def register(*, find: Callable[[str], User | None], deliver: Callable[..., bool]) -> None:
    """`find(slug)`: the member whose page at that address is published and whose account is active, else None.
    `deliver(mission, by=)`: invite `mission.invited` to apply, once; True when an invitation went out."""
    global _finder, _deliverer
    _finder, _deliverer = find, deliver


def find_member(slug: str) -> User | None:
    """The member to invite, from the `?inviter=` of the mission form; None for anything else (bad input included)."""
    if _finder is None or not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        return None
    return _finder(slug)


def deliver(mission, *, by) -> bool:
    return bool(_deliverer is not None and mission.invited_id and _deliverer(mission, by=by))
