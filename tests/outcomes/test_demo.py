"""The outcomes demo tells one story: its holders got the title from a jury, bloc by bloc (issue 13)."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from compagnons.accounts.models import Role, User
from compagnons.apprenticeship.models import Cohort, Enrollment, Mentorship
from compagnons.certification.models import BlockDecision, Decision
from compagnons.outcomes import indicators
from compagnons.outcomes.indicators import Filters
from compagnons.outcomes.models import Exit

pytestmark = pytest.mark.django_db

PROMOTIONS = ["Promotion 2023", "Promotion 2024"]
# Every promotion with holders, Sylvie's included (received by the jury at the end of her promotion).
PAST_PROMOTIONS = [*PROMOTIONS, "Promotion 2025 — Bretagne"]


@pytest.fixture
def demo():
    with override_settings(DEBUG=True):
        call_command("seed_demo")


def test_the_demo_holders_hold_every_bloc_from_their_promotions_jury(demo, client):
    """One seed (it signs some 180 credentials): the holders, the partial decisions, the pages."""
    for name in PAST_PROMOTIONS:
        cohort = Cohort.objects.get(name=name)
        holders = set(cohort.enrollments.filter(status=Enrollment.Status.CERTIFIED).values_list("member_id", flat=True))
        assert holders, name
        report = indicators.report(Filters(cohort=cohort))
        assert report.path.certified == len(holders)
        per_bloc = {row["block_id"]: rate.num for row, rate in report.blocks}
        for block in cohort.certification.blocks.all():
            with_bloc = set(
                BlockDecision.objects.filter(block=block, validated=True, withdrawn_at__isnull=True).values_list(
                    "decision__candidate_id", flat=True
                )
            )
            assert len(holders & with_bloc) == len(holders), (name, block.code)
            assert per_bloc[block.pk] >= len(holders), (name, block.code)
        # The title came from the promotion's jury on its last day: the exit points to that decision.
        decisions = Decision.objects.filter(candidate_id__in=holders, outcome=Decision.Outcome.VALIDATED)
        assert {d.candidacy.session.date for d in decisions} == {cohort.ends_on}
        assert Exit.objects.filter(cohort=cohort, kind=Exit.Kind.CERTIFIED, decision__in=decisions).count() == len(
            holders
        )
        for enrollment in cohort.enrollments.filter(member_id__in=holders):
            assert enrollment.stage == "compagnon" and enrollment.ended_at.date() == cohort.ends_on
        assert all(Role.COMPAGNON in u.roles for u in User.objects.filter(pk__in=holders))
        # Nobody of a past promotion is still anyone's apprentice.
        assert not Mentorship.objects.active().filter(apprentice__enrollments__cohort=cohort).exists()

    # Across the whole platform, no title without its blocs: the dashboard's per-bloc figures hold every holder.
    report = indicators.report(Filters())
    assert all(rate.num >= report.path.certified for _row, rate in report.blocks), report.blocks

    # The paths completed without the title got a partial decision, with reasons, and keep their status.
    completed = Enrollment.objects.filter(cohort__name__in=PROMOTIONS, status=Enrollment.Status.COMPLETED)
    assert completed.count() == 3
    for enrollment in completed:
        decision = Decision.objects.get(candidate=enrollment.member)
        assert decision.outcome == Decision.Outcome.PARTIAL
        refused = decision.blocks.filter(validated=False)
        assert refused.exists() and all(b.reasons for b in refused)
        assert Role.COMPAGNON not in enrollment.member.roles
    dropped = Enrollment.objects.filter(cohort__name__in=PROMOTIONS, status=Enrollment.Status.DROPPED_OUT)
    assert sorted(dropped.values_list("drop_cause", flat=True)) == ["family", "work", "work"]
    assert not Decision.objects.filter(candidate__in=dropped.values("member")).exists()
    # Real data: the per-bloc rates differ between blocs and from the title rate.
    for name in PROMOTIONS:
        report = indicators.report(Filters(cohort=Cohort.objects.get(name=name)))
        counts = {rate.num for _row, rate in report.blocks}
        assert len(counts) > 1 and max(counts) > report.path.certified

    # The figures render, publicly and for staff.
    assert client.get(reverse("outcomes:results")).status_code == 200
    client.force_login(User.objects.get(email="formateur@demo.test"))
    cohort = Cohort.objects.get(name="Promotion 2023")
    assert client.get(reverse("outcomes:dashboard")).status_code == 200
    assert client.get(reverse("outcomes:dashboard"), {"cohort": cohort.pk}).status_code == 200
