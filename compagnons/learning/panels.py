"""Learning sections of « Mon espace »."""

from compagnons.apprenticeship.extensions import Section
from compagnons.core.dashboard import Panel
from compagnons.learning import capsules, play

# --- Capsules --------------------------------------------------------------------------------------------


def capsules_panel(request) -> Panel | None:
    """« Mon espace »: the capsules recommended with their reasons, those in progress. At most seven queries."""
    user = request.user
    if not (user.is_apprentice or user.is_compagnon):
        return None
    return Panel(
        "learning/capsules/panel.html",
        {"recommended": capsules.recommendations(user, limit=3), "in_progress": capsules.in_progress(user, limit=3)},
    )


def plan_section(apprentice, viewer) -> Section | None:
    """On the individual plan: the capsules recommended from the gaps and the plan's compétences, with the reason."""
    rows = capsules.recommendations(apprentice)
    if not rows:
        return None
    return Section("learning/capsules/plan_section.html", {"rows": rows})


def carnet_section(apprentice, viewer) -> Section | None:
    """In the carnet de route: finished capsules as self-study time (their duration), never as a validation."""
    study = capsules.self_study(apprentice)
    if not study["count"]:
        return None
    return Section("learning/capsules/carnet_section.html", study)


# --- Scenarios -------------------------------------------------------------------------------------------


def scenarios_panel(request):
    """The member's latest runs and new debriefs; for a mentor, the runs awaiting their debrief. Three queries."""
    from compagnons.core.dashboard import Panel

    user = request.user
    if not user.is_authenticated:
        return None
    runs = list(play.runs_for_member(user).order_by("-started_at")[:3])
    debriefed = list(play.new_debriefs(user)[:3])
    waiting = play.awaiting_debrief(user).count()
    return Panel(
        "learning/scenarios/panel.html",
        {"runs": runs, "debriefed": debriefed, "waiting": waiting},
    )


def scenarios_give_back(user) -> list:
    """A way to give back: the apprentices' runs waiting for this mentor's debrief."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from compagnons.ledger.giveback import Way

    if not user.is_authenticated:
        return []
    return [
        Way(
            _("Des mises en situation de vos apprentis attendent votre débriefing"),
            reverse("learning:runs_to_debrief"),
            play.awaiting_debrief(user).count(),
        )
    ]
