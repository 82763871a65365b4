"""Learning sections of « Mon espace »."""

# --- Capsules --------------------------------------------------------------------------------------------

from compagnons.apprenticeship.extensions import Section as _Section
from compagnons.core.dashboard import Panel as _Panel
from compagnons.learning import capsules as _capsules


def capsules_panel(request) -> _Panel | None:
    """« Mon espace »: the capsules recommended with their reasons, those in progress. At most seven queries."""
    user = request.user
    if not (user.is_apprentice or user.is_compagnon):
        return None
    return _Panel(
        "learning/capsules/panel.html",
        {"recommended": _capsules.recommendations(user, limit=3), "in_progress": _capsules.in_progress(user, limit=3)},
    )


def plan_section(apprentice, viewer) -> _Section | None:
    """On the individual plan: the capsules recommended from the gaps and the plan's compétences, with the reason."""
    rows = _capsules.recommendations(apprentice)
    if not rows:
        return None
    return _Section("learning/capsules/plan_section.html", {"rows": rows})


def carnet_section(apprentice, viewer) -> _Section | None:
    """In the carnet de route: finished capsules as self-study time (their duration), never as a validation."""
    study = _capsules.self_study(apprentice)
    if not study["count"]:
        return None
    return _Section("learning/capsules/carnet_section.html", study)


# --- Scenarios -------------------------------------------------------------------------------------------
