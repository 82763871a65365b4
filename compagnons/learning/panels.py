"""Learning sections of « Mon espace »."""

# --- Capsules --------------------------------------------------------------------------------------------


# --- Scenarios -------------------------------------------------------------------------------------------

from compagnons.learning import play


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
