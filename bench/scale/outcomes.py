"""Outcomes: 1,000 past cohorts, 100,000 enrollments ended, their exits and 300,000 answers to the follow-up
surveys."""

from datetime import datetime, timedelta
from itertools import batched

from django.utils import timezone

from bench.scale.registry import ScaleContext, seeder
from bench.scale.skills import current_competences
from compagnons.apprenticeship.models import Cohort, DropCause, Enrollment, Funding, Stage
from compagnons.outcomes.models import BankShare, Exit, FollowUp, Income, Situation

PAST_COHORT_PREFIX = "Promotion passée"
PAST_COHORTS = 1_000
PAST_COHORT_SIZE = 100
ANSWERED_TARGET = 300_000


def _outcomes_done(ctx: ScaleContext) -> bool:
    return Cohort.objects.filter(name__startswith=PAST_COHORT_PREFIX).exists()


@seeder("outcomes.past_cohorts", done=_outcomes_done)
def seed_outcomes(ctx: ScaleContext) -> int:
    """PAST_COHORTS cohorts that ended 1 to 5 years ago, PAST_COHORT_SIZE members each (every scale member once):
    70 % certified, 10 % completed, 20 % dropped out; one exit each and four surveys (exit, 6, 12, 24 months), of
    which ANSWERED_TARGET are answered (neutralised situations and non-respondents included)."""
    rng = ctx.rng
    certification, _competences = current_competences()
    staff = ctx.staff_ids()
    members = ctx.user_ids()
    rng.shuffle(members)
    # as many past cohorts as the members fill, PAST_COHORTS at most (all of them from 100,000 members)
    groups = list(batched(members[: PAST_COHORTS * PAST_COHORT_SIZE], PAST_COHORT_SIZE))
    today = timezone.localdate(ctx.now)
    cohorts = Cohort.objects.bulk_create(
        [
            Cohort(
                name=f"{PAST_COHORT_PREFIX} {n + 1:04d}",
                certification=certification,
                starts_on=(ends := today - timedelta(days=rng.randrange(365, 5 * 365))) - timedelta(days=300),
                ends_on=ends,
                formateur_id=rng.choice(staff),
                funding=rng.choice(Funding.values),
                capacity=PAST_COHORT_SIZE,
                open_for_requests=False,
            )
            for n in range(len(groups))
        ]
    )
    S = Enrollment.Status
    situations = [Situation.INDEPENDENT] * 5 + [Situation.EMPLOYED, Situation.BOTH, Situation.SEEKING] * 1
    situations += [Situation.SEEKING, Situation.TRAINING, Situation.UNABLE, Situation.ABROAD, Situation.INACTIVE]
    total_surveys = min(len(members), PAST_COHORTS * PAST_COHORT_SIZE) * 4
    answer_share = min(1.0, ANSWERED_TARGET / max(1, total_surveys))
    rows = len(cohorts)
    for chunk_start in range(0, len(groups), 50):
        enrollments, kinds = [], []
        chunk = zip(cohorts[chunk_start : chunk_start + 50], groups[chunk_start : chunk_start + 50], strict=True)
        for cohort, group in chunk:
            ended = timezone.make_aware(datetime.combine(cohort.ends_on, datetime.min.time()))
            for member in group:
                roll = rng.random()
                status = S.CERTIFIED if roll < 0.7 else S.COMPLETED if roll < 0.8 else S.DROPPED_OUT
                end = ended if status != S.DROPPED_OUT else ended - timedelta(days=rng.randrange(30, 250))
                enrollments.append(
                    Enrollment(
                        cohort=cohort,
                        member_id=member,
                        stage=Stage.COMPAGNON if status == S.CERTIFIED else Stage.APPRENTICE,
                        status=status,
                        drop_reason="Raison notée par l'équipe." if status == S.DROPPED_OUT else "",
                        drop_cause=rng.choice(DropCause.values) if status == S.DROPPED_OUT else "",
                        requested_at=end - timedelta(days=330),
                        enrolled_at=end - timedelta(days=300),
                        ended_at=end,
                        stage_changed_at=end,
                        last_activity_at=end,
                    )
                )
                kinds.append(status)
        enrollments = Enrollment.objects.bulk_create(enrollments, batch_size=ctx.batch_size)
        exits = Exit.objects.bulk_create(
            [
                Exit(
                    member_id=e.member_id,
                    certification=certification,
                    cohort_id=e.cohort_id,
                    enrollment=e,
                    kind=status,
                    exited_on=timezone.localdate(e.ended_at),
                )
                for e, status in zip(enrollments, kinds, strict=True)
            ],
            batch_size=ctx.batch_size,
        )

        def surveys(exits=exits):
            for exit_ in exits:
                for wave in FollowUp.Wave.values:
                    due = FollowUp.due_date(exit_.exited_on, wave)
                    survey = FollowUp(exit=exit_, wave=wave, due_on=due)
                    if due <= today:
                        sent = timezone.make_aware(datetime.combine(due, datetime.min.time()))
                        survey.sent_at = survey.last_sent_at = sent
                        if rng.random() < answer_share / 0.9:
                            situation = rng.choice(situations)
                            working = situation in (Situation.INDEPENDENT, Situation.EMPLOYED, Situation.BOTH)
                            survey.answered_at = sent + timedelta(days=rng.randrange(1, 20))
                            survey.channel = FollowUp.Channel.LINK
                            survey.situation = situation
                            survey.in_target_trade = (rng.random() < 0.75) if working else None
                            survey.income = rng.choice(Income.values) if working else Income.NONE
                            survey.clients_count = rng.randrange(0, 12) if working else 0
                            survey.missions_count = rng.randrange(0, 30) if working else 0
                            survey.bank_share = rng.choice(BankShare.values)
                        else:
                            survey.reminders_sent = 2
                    yield survey

        rows += len(enrollments) + len(exits) + ctx.bulk(FollowUp, surveys())
        ctx.log(f"  outcomes: {min(chunk_start + 50, len(groups))}/{len(groups)} past cohorts")
    return rows
