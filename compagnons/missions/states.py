"""The two state machines of the mission bank, each declared once: which status may become which.

`services._move` looks every change up here and refuses any other with a French message; a change made to many rows
at once (the applications that were not chosen) selects its rows with `sources`. docs/missions.md (« States ») holds
the same tables, and a test checks that the two agree.
"""

from django.utils.translation import gettext as _

from compagnons.missions.models import Application, Mission

M = Mission.Status
A = Application.Status

MISSION_TRANSITIONS: dict[str, set[str]] = {
    M.DRAFT: {M.SUBMITTED, M.CANCELLED},
    M.SUBMITTED: {M.PUBLISHED, M.DRAFT, M.CANCELLED},
    M.PUBLISHED: {M.ASSIGNED, M.EXPIRED, M.CANCELLED},
    M.ASSIGNED: {M.IN_PROGRESS, M.CANCELLED},
    M.IN_PROGRESS: {M.DELIVERED, M.CANCELLED},
    M.DELIVERED: {M.CLOSED, M.IN_PROGRESS, M.CANCELLED},
    M.CLOSED: set(),
    M.CANCELLED: set(),
    M.EXPIRED: set(),
}

# The parties (the client, or staff for them) cancel before the work starts; afterwards only a mediation's
# decision does (docs/missions.md, « Mediation »).
CANCELLABLE_BY_PARTIES = (M.DRAFT, M.SUBMITTED, M.PUBLISHED, M.ASSIGNED)

APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    A.DRAFT: {A.SENT, A.WITHDRAWN, A.NOT_CHOSEN},
    A.SENT: {A.SHORTLISTED, A.CHOSEN, A.NOT_CHOSEN, A.WITHDRAWN},
    A.SHORTLISTED: {A.CHOSEN, A.NOT_CHOSEN, A.WITHDRAWN},
    A.CHOSEN: set(),
    A.NOT_CHOSEN: set(),
    A.WITHDRAWN: set(),
}

TABLES = {Mission: MISSION_TRANSITIONS, Application: APPLICATION_TRANSITIONS}


def allows(obj: Mission | Application, to: str) -> bool:
    """Whether `obj`, in its current status, may become `to`."""
    return to in TABLES[type(obj)][obj.status]


def sources(model: type[Mission] | type[Application], to: str) -> list[str]:
    """The statuses from which a `model` may become `to` (to select the rows of a change made to many at once)."""
    return [status for status, targets in TABLES[model].items() if to in targets]


def refusal(obj: Mission | Application, to: str) -> str:
    """The French message for a change the table does not allow."""
    if isinstance(obj, Mission):
        return _("Une mission « %(status)s » ne peut pas passer à « %(to)s ».") % {
            "status": obj.get_status_display(),
            "to": M(to).label,
        }
    return _("Une candidature « %(status)s » ne peut pas passer à « %(to)s ».") % {
        "status": obj.get_status_display(),
        "to": A(to).label,
    }
