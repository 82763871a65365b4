"""The demo: the two past promotions funded by a mix of sources (a gap shown for some), signed agreements, and this
year's contrat waiting for Léa's signature."""

import pytest
from django.core.management import call_command

from compagnons.funding.models import AgreementStatus, FundingPlan, FundingSource, SourceKind, TrainingAgreement

pytestmark = pytest.mark.django_db


def test_the_demo_funds_the_two_past_promotions_with_a_mix_of_sources(settings, tmp_path):
    # Both through the fixture: an override_settings decorator around the fixture's own override would leave
    # DEBUG on for the tests that follow (the fixture restores the settings it found, the decorator's).
    settings.DEBUG = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    call_command("seed_demo")
    for name in ("Promotion 2023", "Promotion 2024"):
        plans = FundingPlan.objects.with_coverage().filter(enrollment__cohort__name=name)
        assert plans.exists()
        kinds = set(FundingSource.objects.filter(plan__in=plans).values_list("kind", flat=True))
        assert {SourceKind.OPCO, SourceKind.CPF, SourceKind.PERSON, SourceKind.FRANCE_TRAVAIL} <= kinds
        assert any(not plan.is_covered for plan in plans)
        assert (
            TrainingAgreement.objects.filter(enrollment__cohort__name=name, status=AgreementStatus.SIGNED).count() == 2
        )
    lea = TrainingAgreement.objects.get(enrollment__member__email="apprenti@demo.test")
    assert lea.status == AgreementStatus.AWAITING and lea.org_signed_at and not lea.party_signed_at
