"""Per scenario version and node, how many people chose what: aggregates only, for the improvement log. A count
resting on fewer than `LEARNING_AGGREGATE_MIN_PEOPLE` people is hidden, and so is a node's total when it would let
hidden counts be worked out by subtraction. Four queries whatever the number of runs."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count

from compagnons.learning.models import Choice, Node, Run, ScenarioVersion, Step


@dataclass
class ChoiceFigure:
    choice: Choice
    people: int | None  # None: hidden (fewer than the threshold)


@dataclass
class NodeFigure:
    node: Node
    people: int | None
    choices: list[ChoiceFigure] = field(default_factory=list)
    ended_here: int | None = None


@dataclass
class VersionFigures:
    version: ScenarioVersion
    players: int | None
    nodes: list[NodeFigure]
    threshold: int


def _shown(count: int, threshold: int) -> int | None:
    return count if count >= threshold else None


def _gives_away_hidden(figures_of_node, per_choice, total: int, threshold: int) -> bool:
    """A node's total minus the counts shown is how many people chose only hidden choices: when some did and they
    are fewer than the threshold, showing the total would tell that small count by subtraction."""
    hidden = [per_choice.get(figure.choice.pk, 0) for figure in figures_of_node if figure.people is None]
    if not any(hidden):
        return False
    shown = sum(figure.people for figure in figures_of_node if figure.people is not None)
    return total - shown < threshold


def figures(version: ScenarioVersion) -> VersionFigures:
    threshold = settings.LEARNING_AGGREGATE_MIN_PEOPLE
    nodes = list(Node.objects.filter(version=version).order_by("pk"))
    choices = list(Choice.objects.filter(node__version=version).select_related("target").order_by("node", "position"))
    steps = Step.objects.filter(node__version=version)
    per_choice = dict(
        steps.values("choice").annotate(people=Count("run__member", distinct=True)).values_list("choice", "people")
    )
    per_node = dict(
        steps.values("node").annotate(people=Count("run__member", distinct=True)).values_list("node", "people")
    )
    runs = Run.objects.filter(version=version)
    players = runs.aggregate(people=Count("member", distinct=True))["people"]
    per_ending = dict(
        runs.filter(ending__isnull=False)
        .values("ending")
        .annotate(people=Count("member", distinct=True))
        .values_list("ending", "people")
    )
    by_node: dict[int, list[ChoiceFigure]] = {}
    for choice in choices:
        by_node.setdefault(choice.node_id, []).append(
            ChoiceFigure(choice, _shown(per_choice.get(choice.pk, 0), threshold))
        )
    out = []
    for node in nodes:
        figures_of_node = by_node.get(node.pk, [])
        total = _shown(per_node.get(node.pk, 0), threshold)
        if total is not None and _gives_away_hidden(figures_of_node, per_choice, total, threshold):
            total = None  # the total minus the counts shown would tell how many chose the hidden ones
        out.append(
            NodeFigure(
                node=node,
                people=total,
                choices=figures_of_node,
                ended_here=_shown(per_ending.get(node.pk, 0), threshold) if node.is_ending else None,
            )
        )
    return VersionFigures(version=version, players=_shown(players, threshold), nodes=out, threshold=threshold)
