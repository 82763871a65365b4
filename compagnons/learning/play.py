"""Scenarios, read side: the step to show with its choices, a run's path with timings, two runs side by side, the
runs awaiting a mentor's debrief. No writes here (they are in services.py)."""

from dataclasses import dataclass, field
from itertools import zip_longest

from django.db.models import QuerySet

from compagnons.learning.models import Choice, Node, Run, Scenario, Step


@dataclass
class StepView:
    """What a member sees at the current step of a run: the node, who speaks, the choices and the step number the
    form carries (a replayed or late POST is told apart by it)."""

    run: Run
    node: Node
    speaker: str
    choices: list[Choice]
    number: int
    stale: bool


def runs_for_member(member) -> QuerySet[Run]:
    return Run.objects.filter(member=member).select_related("version__scenario", "ending", "debrief")


def current_step(run: Run) -> StepView:
    """Two queries: the node's choices, and whether the scenario moved on to another version."""
    node = run.current
    choices = list(node.choices.order_by("position"))
    scenario = run.version.scenario
    return StepView(
        run=run,
        node=node,
        speaker=run.version.cast.get(node.speaker, "") if node.speaker else "",
        choices=choices,
        number=run.steps_count + 1,
        stale=is_stale(run, scenario),
    )


def is_stale(run: Run, scenario: Scenario) -> bool:
    """An unfinished run on a version that is no longer the scenario's current one cannot go on."""
    return run.finished_at is None and scenario.current_id != run.version_id


@dataclass
class PathStep:
    number: int
    node: Node
    speaker: str
    choice: Choice
    seconds: int


@dataclass
class Path:
    run: Run
    steps: list[PathStep] = field(default_factory=list)
    ending: Node | None = None

    @property
    def seconds(self) -> int:
        return sum(step.seconds for step in self.steps)


def path_of(run: Run) -> Path:
    """The path taken, in order, with the consequence of each choice and the time spent before it. One query."""
    cast = run.version.cast
    steps = Step.objects.filter(run=run).select_related("node", "choice").order_by("number")
    return Path(
        run=run,
        steps=[
            PathStep(
                number=step.number,
                node=step.node,
                speaker=cast.get(step.node.speaker, "") if step.node.speaker else "",
                choice=step.choice,
                seconds=step.seconds,
            )
            for step in steps
        ],
        ending=run.ending,
    )


@dataclass
class Row:
    number: int
    left: PathStep | None
    right: PathStep | None

    @property
    def same(self) -> bool:
        return bool(self.left and self.right and self.left.choice.pk == self.right.choice.pk)


def side_by_side(first: Run, second: Run) -> tuple[Path, Path, list[Row]]:
    left, right = path_of(first), path_of(second)
    rows = [
        Row(number=index, left=a, right=b) for index, (a, b) in enumerate(zip_longest(left.steps, right.steps), start=1)
    ]
    return left, right, rows


def awaiting_debrief(mentor) -> QuerySet[Run]:
    """Finished runs shared by the mentor's current apprentices that have no debrief yet, oldest first."""
    return (
        Run.objects.filter(
            finished_at__isnull=False,
            shared=True,
            debrief__isnull=True,
            member__mentorships_as_apprentice__mentor=mentor,
            member__mentorships_as_apprentice__ended_at__isnull=True,
        )
        .select_related("member", "version__scenario", "ending")
        .order_by("finished_at")
    )


def new_debriefs(member) -> QuerySet[Run]:
    """The member's runs a mentor debriefed, latest first."""
    return (
        Run.objects.filter(member=member, debrief__isnull=False)
        .select_related("version__scenario", "debrief")
        .order_by("-debrief__written_at")
    )
