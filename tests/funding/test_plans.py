"""Funding plans: sources with amount, file number, status and dates; the gap shown; the rules refused in French;
the staff pages (list with bounded queries, detail, add and change a source) and who may not see them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.funding import plans
from compagnons.funding.models import FundingPlan, FundingSource, SourceKind, SourceStatus
from tests.factories import UserFactory
from tests.factories.apprenticeship import enroll
from tests.factories.funding_plans import plan_for

pytestmark = pytest.mark.django_db


def test_a_plan_shows_its_gap_until_covered(enrolled, formateur):
    plan = plan_for(enrolled, by=formateur, price="6000", sources=[(SourceKind.OPCO, "4000", SourceStatus.GRANTED)])
    assert plan.covered == Decimal("4000") and plan.gap == Decimal("2000") and not plan.is_covered
    plans.add_source(plan, by=formateur, kind=SourceKind.PERSON, amount="2000")
    plan = FundingPlan.objects.with_coverage().get(pk=plan.pk)
    assert plan.covered == Decimal("6000") and plan.gap == 0 and plan.is_covered
    assert AuditLog.objects.filter(action="funding.source_added").count() == 2


def test_a_refused_source_covers_nothing(enrolled, formateur):
    plan = plan_for(enrolled, by=formateur, sources=[(SourceKind.REGION, "6000", SourceStatus.REFUSED)])
    assert plan.gap == Decimal("6000")
    # the refused share leaves room for another funder
    plans.add_source(plan, by=formateur, kind=SourceKind.CPF, amount="6000")
    assert FundingPlan.objects.with_coverage().get(pk=plan.pk).is_covered


@pytest.mark.parametrize("amount", ["0", "-50", "abc"])
def test_a_zero_negative_or_unreadable_amount_is_refused(enrolled, formateur, amount):
    plan = plan_for(enrolled, by=formateur)
    with pytest.raises(InvalidTransition, match="montant"):
        plans.add_source(plan, by=formateur, kind=SourceKind.OPCO, amount=amount)
    assert not plan.sources.exists()


def test_sources_never_exceed_the_price(enrolled, formateur):
    plan = plan_for(enrolled, by=formateur, price="1000", sources=[(SourceKind.OPCO, "800")])
    with pytest.raises(InvalidTransition, match="dépasseraient le prix"):
        plans.add_source(plan, by=formateur, kind=SourceKind.EMPLOYER, amount="300")
    assert plan.sources.count() == 1
    with pytest.raises(InvalidTransition, match="dépassent ce prix"):
        plans.change_price(plan, price="700", by=formateur)


def test_dates_and_status_agree(enrolled, formateur, cohort):
    plan = plan_for(enrolled, by=formateur)
    with pytest.raises(InvalidTransition, match="date du paiement"):
        plans.add_source(plan, by=formateur, kind=SourceKind.OPCO, amount="100", status=SourceStatus.PAID)
    with pytest.raises(InvalidTransition, match="précéder la demande"):
        plans.add_source(
            plan,
            by=formateur,
            kind=SourceKind.OPCO,
            amount="100",
            status=SourceStatus.GRANTED,
            requested_on=cohort.starts_on,
            decided_on=cohort.starts_on.replace(year=cohort.starts_on.year - 1),
        )
    assert not plan.sources.exists()


def test_a_source_changes_and_is_audited(enrolled, formateur, cohort):
    plan = plan_for(enrolled, by=formateur, sources=[(SourceKind.OPCO, "3000")])
    source = plan.sources.get()
    plans.change_source(
        source, by=formateur, status=SourceStatus.PAID, decided_on=cohort.starts_on, paid_on=cohort.starts_on
    )
    source.refresh_from_db()
    assert source.status == SourceStatus.PAID
    entry = AuditLog.objects.get(action="funding.source_changed")
    assert entry.actor == formateur and "status" in entry.data["changed"]


def test_only_the_team_writes_plans(enrolled, apprenti, formateur):
    with pytest.raises(PermissionRefused):
        plans.create_plan(enrolled, price="10", by=apprenti)
    plan = plan_for(enrolled, by=formateur)
    with pytest.raises(PermissionRefused):
        plans.add_source(plan, by=apprenti, kind=SourceKind.OPCO, amount="10")


def test_one_plan_per_enrollment(enrolled, formateur):
    plan_for(enrolled, by=formateur)
    with pytest.raises(InvalidTransition, match="déjà son plan"):
        plans.create_plan(enrolled, price="10", by=formateur)


# --- Pages --------------------------------------------------------------------------------------


def test_the_list_is_bounded_whatever_the_data(client, cohort, formateur, django_assert_max_num_queries):
    for _i in range(6):
        enrollment = enroll(UserFactory(apprentice=True), cohort, by=formateur)
        plan_for(enrollment, by=formateur, sources=[(SourceKind.OPCO, "2000"), (SourceKind.CPF, "1000")])
    client.force_login(formateur)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("funding:plans"))
    assert response.status_code == 200
    assert response.content.decode().count("Écart") == 6
    enroll(UserFactory(apprentice=True, last_name="Sansplan"), cohort, by=formateur)
    html = client.get(reverse("funding:plans"), {"gap": "on"}).content.decode()
    assert "Sansplan" in html and "Pas encore de plan" in html
    with django_assert_max_num_queries(8):
        response = client.get(reverse("funding:plans"), {"cohort": cohort.pk, "gap": "on"})
    assert response.status_code == 200


def test_the_detail_shows_the_gap(client, enrolled, formateur, django_assert_max_num_queries):
    plan_for(enrolled, by=formateur, price="6000", sources=[(SourceKind.OPCO, "4500")])
    client.force_login(formateur)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("funding:plan", args=[enrolled.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "reste à couvrir : 1500,00 €" in html.replace("1500.00", "1500,00")


def test_staff_create_a_plan_and_add_a_source(client, enrolled, formateur):
    client.force_login(formateur)
    response = client.post(reverse("funding:plan", args=[enrolled.pk]), {"price": "5000"})
    assert response.status_code == 302
    response = client.post(
        reverse("funding:source_add", args=[enrolled.pk]),
        {"kind": "opco", "amount": "3000", "status": "requested", "file_number": "OPCO-42"},
    )
    assert response.status_code == 302
    assert FundingSource.objects.get().file_number == "OPCO-42"


def test_a_refused_source_comes_back_as_typed(client, enrolled, formateur):
    plan_for(enrolled, by=formateur, price="1000")
    client.force_login(formateur)
    response = client.post(
        reverse("funding:source_add", args=[enrolled.pk]),
        {"kind": "opco", "amount": "-5", "status": "requested", "file_number": "OPCO-77"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "supérieur à zéro" in html and "OPCO-77" in html
    assert not FundingSource.objects.exists()


def test_staff_change_a_source(client, enrolled, formateur):
    plan = plan_for(enrolled, by=formateur, price="1000", sources=[(SourceKind.OPCO, "500")])
    source = plan.sources.get()
    client.force_login(formateur)
    assert client.get(reverse("funding:source", args=[source.pk])).status_code == 200
    response = client.post(
        reverse("funding:source", args=[source.pk]), {"kind": "opco", "amount": "2000", "status": "requested"}
    )
    assert response.status_code == 200 and "dépasseraient" in response.content.decode()
    response = client.post(
        reverse("funding:source", args=[source.pk]), {"kind": "opco", "amount": "900", "status": "requested"}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.amount == Decimal("900")


@pytest.mark.parametrize("who", ["apprenti", "compagnon", "outsider"])
def test_members_may_not_see_the_plans(client, enrolled, formateur, who, request):
    plan = plan_for(enrolled, by=formateur, sources=[(SourceKind.OPCO, "500")])
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("funding:plans")).status_code == 403
    assert client.get(reverse("funding:plan", args=[enrolled.pk])).status_code == 403
    assert client.get(reverse("funding:source", args=[plan.sources.get().pk])).status_code == 403
    response = client.post(reverse("funding:source_add", args=[enrolled.pk]), {"kind": "opco", "amount": "1"})
    assert response.status_code == 403 and plan.sources.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, enrolled):
    response = client.get(reverse("funding:plans"))
    assert response.status_code == 302 and ("login" in response.url or "connexion" in response.url)
