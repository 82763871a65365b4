"""A fixture cohort whose indicators were computed by hand (see test_indicators.py for the arithmetic).

Promotion « Fixture » (OPCO), ended 850 days ago, so the 6-month and 2-year surveys are both due:
- h1…h6 certified through the path, c1 completed without the title, d1 and d2 dropped out (work, health),
  a1 still in the path, r1 only requested (not counted);
- v1 certified through VAE (no enrollment), decided the same day;
- blocs: h1 and h2 validated BC01 and BC02; d1 validated BC01 before leaving; v1 validated both (not a cohort member).
Answers at 6 months: h1 independent in the trade; h2 employed outside it; h3 in training (neutralised); h4 seeking;
h5 no answer; h6 working abroad (neutralised unless the trade is international), in the trade; v1 both, in the trade;
c1 unable to work (neutralised); d1 independent in the trade; d2 no answer.
At 2 years only h1 answers: independent, in the trade.
h1 won a bank mission starting 30 days after the exit; h1 has 90 minutes of confirmed sessions (and 60 pending).
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from compagnons.apprenticeship.models import Cohort, DropCause, Enrollment
from compagnons.certification.models import BlockDecision, Candidacy, Decision, JurySession, Masterpiece, Route
from compagnons.missions.models import Mission
from compagnons.outcomes import services
from compagnons.outcomes.models import Situation
from compagnons.skills.models import Certification
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory, aware, enroll, log_session, pair
from tests.factories.missions import MissionFactory, declare
from tests.factories.outcomes import answer

EXIT_DAYS_AGO = 850


def make_decision(member, *, route, blocks_validated, blocks, staff, decided_on, outcome=Decision.Outcome.VALIDATED):
    """A jury decision of that day, written directly: the jury's services decide « now » and record the exit at once,
    where this history needs decisions 850 days old (judge_by_jury in tests/factories takes the services' way)."""
    certification = Certification.objects.current()
    session = JurySession.objects.create(
        certification=certification, date=decided_on, place="Visio", organised_by=staff
    )
    piece = Masterpiece.objects.create(
        candidate=member, certification=certification, route=route, title="Chef-d'œuvre", account="…"
    )
    candidacy = Candidacy.objects.create(session=session, masterpiece=piece)
    decision = Decision.objects.create(
        candidacy=candidacy,
        candidate=member,
        route=route,
        outcome=outcome,
        decided_at=aware(decided_on),
        decided_by=staff,
    )
    for block in blocks:
        BlockDecision.objects.create(decision=decision, block=block, validated=block in blocks_validated)
    return decision


@dataclass
class World:
    cohort: Cohort
    other: Cohort
    people: dict
    staff: object
    exited_on: object


@pytest.fixture
def world(formateur):
    today = timezone.localdate()
    exited_on = today - timedelta(days=EXIT_DAYS_AGO)
    certification = Certification.objects.current()
    blocks = list(certification.blocks.order_by("position", "code"))
    bc01, bc02 = blocks[0], blocks[1]
    cohort = CohortFactory(name="Promotion Fixture", formateur=formateur, ended_on=exited_on, capacity=12)
    people = {}
    statuses = {
        **{f"h{i}": Enrollment.Status.CERTIFIED for i in range(1, 7)},
        "c1": Enrollment.Status.COMPLETED,
        "d1": Enrollment.Status.DROPPED_OUT,
        "d2": Enrollment.Status.DROPPED_OUT,
        "a1": Enrollment.Status.ACTIVE,
        "r1": Enrollment.Status.REQUESTED,
    }
    causes = {"d1": DropCause.WORK, "d2": DropCause.HEALTH}
    for name, status in statuses.items():
        member = UserFactory(first_name=name.upper(), last_name="Fixture")
        people[name] = member
        enroll(
            member,
            cohort,
            status=status,
            cause=causes.get(name, DropCause.OTHER),
            since=cohort.starts_on,
            ended_on=exited_on,
        )
    for name in ("h1", "h2"):
        make_decision(
            people[name],
            route=Route.PATH,
            blocks=blocks,
            blocks_validated=[bc01, bc02],
            staff=formateur,
            decided_on=exited_on,
        )
    make_decision(
        people["d1"],
        route=Route.PATH,
        blocks=blocks,
        blocks_validated=[bc01],
        staff=formateur,
        decided_on=exited_on - timedelta(days=60),
        outcome=Decision.Outcome.PARTIAL,
    )
    people["v1"] = UserFactory(first_name="V1", last_name="Fixture")
    make_decision(
        people["v1"], route=Route.VAE, blocks=blocks, blocks_validated=blocks, staff=formateur, decided_on=exited_on
    )
    # Another cohort, funded otherwise, with one holder who answers: filters must keep it apart.
    other = CohortFactory(
        name="Promotion Autre", formateur=formateur, ended_on=exited_on, funding="region", capacity=12
    )
    people["o1"] = UserFactory(first_name="O1", last_name="Fixture")
    enroll(people["o1"], other, status=Enrollment.Status.CERTIFIED, since=other.starts_on, ended_on=exited_on)
    services.sync_exits()

    answer(people["h1"], 6, Situation.INDEPENDENT, True)
    answer(people["h2"], 6, Situation.EMPLOYED, False)
    answer(people["h3"], 6, Situation.TRAINING)
    answer(people["h4"], 6, Situation.SEEKING)
    answer(people["h6"], 6, Situation.ABROAD, True)
    answer(people["v1"], 6, Situation.BOTH, True)
    answer(people["c1"], 6, Situation.UNABLE)
    answer(people["d1"], 6, Situation.INDEPENDENT, True)
    answer(people["h1"], 24, Situation.INDEPENDENT, True)
    answer(people["o1"], 6, Situation.EMPLOYED, True)

    # h1's first mission through the bank, 30 days after leaving: done today, then dated back.
    declare(people["h1"])
    mission = MissionFactory(
        title="Standard téléphonique", budget_cents=100_000, estimated_hours=20, worker=people["h1"], closed=True
    )
    Mission.objects.filter(pk=mission.pk).update(
        starts_on=exited_on + timedelta(days=30), deadline=exited_on + timedelta(days=60)
    )
    # h1's sessions: 90 minutes confirmed by both, 60 still pending.
    mentorship = pair(people["h1"], UserFactory(compagnon=True), by=formateur, days_ago=EXIT_DAYS_AGO + 300)
    log_session(mentorship, on=cohort.starts_on + timedelta(days=10), minutes=90)
    log_session(mentorship, on=cohort.starts_on + timedelta(days=20), minutes=60, confirm=False)
    return World(cohort=cohort, other=other, people=people, staff=formateur, exited_on=exited_on)
