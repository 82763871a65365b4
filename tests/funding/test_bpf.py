"""The BPF (cerfa 10443) of a year: each box pre-filled with the people and sources behind it, the hours from
apprenticeship.attendance (self-study only if the setting says so), trainers and their hours, the certifications
prepared; XLSX and CSV exports with the form's labels; staff only; bounded queries."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from compagnons.apprenticeship import attendance
from compagnons.coaching import services as coaching
from compagnons.funding import bpf, plans
from compagnons.funding.models import SourceKind, SourceStatus
from tests.factories import UserFactory
from tests.factories.apprenticeship import enroll, log_session, pair
from tests.factories.coaching import book, happened, publish
from tests.factories.funding_plans import plan_for
from tests.factories.learning import finish_capsule, make_capsule

pytestmark = pytest.mark.django_db

DAYS_AGO = 10


def _day():
    return timezone.localdate() - timedelta(days=DAYS_AGO)


def _other_days_ago():
    """A second day of the same year as _day() (one session per pair and day)."""
    return DAYS_AGO + 1 if (_day() - timedelta(days=1)).year == _day().year else DAYS_AGO - 1


def _paid(plan, kind, amount, by):
    day = _day()
    plans.add_source(
        plan,
        by=by,
        kind=kind,
        amount=amount,
        status=SourceStatus.PAID,
        file_number=f"N-{kind}",
        requested_on=day,
        decided_on=day,
        paid_on=day,
    )


@pytest.fixture
def year_data(enrolled, mentorship, cohort, formateur, compagnon):
    """Léa (OPCO 4000 paid + herself 2000 paid): 90 + 60 min with her compagnon. Paul (himself 3000 paid, own funds
    500 paid): 30 min with the same compagnon and 45 min of coaching with a coach."""
    lea_plan = plan_for(enrolled, by=formateur, price="6000")
    _paid(lea_plan, SourceKind.OPCO, "4000", formateur)
    _paid(lea_plan, SourceKind.PERSON, "2000", formateur)
    log_session(mentorship, DAYS_AGO, 90)
    log_session(mentorship, _other_days_ago(), 60)
    paul = UserFactory(apprentice=True, first_name="Paul", last_name="Durand")
    paul_enrollment = enroll(paul, cohort, by=formateur)
    paul_plan = plan_for(paul_enrollment, by=formateur, price="3500")
    _paid(paul_plan, SourceKind.PERSON, "3000", formateur)
    _paid(paul_plan, SourceKind.OWN_FUNDS, "500", formateur)
    log_session(pair(paul, compagnon, by=formateur, days_ago=30), DAYS_AGO, 30)
    coach = UserFactory(compagnon=True, first_name="Coline", last_name="Coach")
    slot = publish(coach, minutes=45)
    booking = book(slot, paul)
    happened(slot, hours_ago=24 * DAYS_AGO)
    coaching.confirm_session(booking, by=coach, says="held")
    coaching.confirm_session(booking, by=paul, says="held")
    return {"paul": paul, "coach": coach}


def _box(boxes, line):
    return next(b for b in boxes if b.line == line)


def test_revenue_comes_from_paid_sources_without_invoices(year_data, monkeypatch):
    monkeypatch.setattr(bpf, "revenue_by_origin", None)
    report = bpf.build(_day().year)
    assert not report.revenue_from_invoices
    assert _box(report.revenue, "2 h").amount == Decimal("4000.00")
    assert _box(report.revenue, "9").amount == Decimal("5000.00")
    assert _box(report.revenue, "Total").amount == Decimal("9000.00") == report.revenue_total
    assert report.own_funds == Decimal("500.00")  # not a revenue: out of cadre C
    assert any("Paul Durand" in p and "N-person" in p for p in _box(report.revenue, "9").people)
    assert bpf.build(_day().year - 1).revenue_total == 0


def test_revenue_comes_from_the_invoices_when_they_exist(year_data, monkeypatch):
    monkeypatch.setattr(bpf, "revenue_by_origin", lambda year: {SourceKind.OPCO: Decimal("1234.50")})
    report = bpf.build(_day().year)
    assert report.revenue_from_invoices and report.revenue_total == Decimal("1234.50")


def test_trainees_and_hours_agree_with_the_attendance_module(year_data, apprenti):
    year = _day().year
    report = bpf.build(year)
    first, last = timezone.datetime(year, 1, 1).date(), timezone.datetime(year, 12, 31).date()
    lea = attendance.member_minutes(attendance.member_lines(apprenti, first, last))
    paul = attendance.member_minutes(attendance.member_lines(year_data["paul"], first, last))
    assert (lea, paul) == (150, 75)
    a, d = _box(report.trainees, "a"), _box(report.trainees, "d")  # Léa: OPCO is her main source; Paul: himself
    assert (a.count, a.minutes, a.hours, d.count, d.minutes, d.hours) == (1, 150, 3, 1, 75, 1)
    total = _box(report.trainees, "Total")
    assert total.count == 2 and total.minutes == 225 and total.hours == 4  # rounded once, from the minutes
    assert sum(b.count for b in report.objectives) == 2


def test_trainers_and_their_hours(year_data):
    team = _box(bpf.build(_day().year).trainers, "1")
    assert team.count == 2 and team.minutes == 225
    assert any("Jean-Pierre Dubois" in p and "3 h" in p for p in team.people)
    assert any("Coline Coach" in p for p in team.people)


def test_self_study_counts_only_if_the_setting_says_so(year_data, apprenti, settings):
    finish_capsule(make_capsule(minutes=5), apprenti)
    year = timezone.localdate().year  # the capsule is finished today
    expected = 150 if _day().year == year else 0
    settings.FUNDING_BPF_COUNT_SELF_STUDY = False
    assert _box(bpf.build(year).trainees, "a").minutes == expected
    settings.FUNDING_BPF_COUNT_SELF_STUDY = True
    assert _box(bpf.build(year).trainees, "a").minutes == expected + 5


def test_exports_carry_the_form_labels(year_data):
    report = bpf.build(_day().year)
    text = bpf.to_csv(report).decode("utf-8-sig")
    assert "Cadre;Ligne;Libellé;Nombre;Heures;Montant (€)" in text
    assert "Contrats conclus avec des personnes à titre individuel et à leurs frais" in text
    assert "F-1 — Type de stagiaires de l'organisme;a;Salariés d'employeurs privés hors apprentis;1;3;" in text
    workbook = load_workbook(io.BytesIO(bpf.to_xlsx(report)))
    sheet = workbook[f"BPF {report.year}"]
    labels = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "Total des produits" in labels and "Autres stagiaires" in labels
    assert any("Paul Durand" in str(row[2]) for row in workbook["Détail"].iter_rows(values_only=True))


def test_the_page_and_exports_for_staff(client, year_data, formateur, django_assert_max_num_queries):
    client.force_login(formateur)
    year = _day().year
    with django_assert_max_num_queries(15):  # issue 21: the invoices or sources behind the lines in one query
        response = client.get(reverse("funding:bpf"), {"year": year})
    html = response.content.decode()
    assert response.status_code == 200 and "Paul Durand" in html and "Conseils régionaux" in html
    for fmt in ("xlsx", "csv"):
        response = client.get(reverse("funding:bpf_export", args=[fmt]), {"year": year})
        assert response.status_code == 200 and f"bpf-{year}.{fmt}" in response["Content-Disposition"]
    assert client.get(reverse("funding:bpf_export", args=["pdf"])).status_code == 404
    assert client.get(reverse("funding:bpf"), {"year": "abc"}).status_code == 200


def test_the_page_is_bounded_whatever_the_number_of_trainees(
    client, year_data, cohort, formateur, compagnon, django_assert_max_num_queries
):
    for i in range(5):
        member = UserFactory(apprentice=True)
        plan_for(enroll(member, cohort, by=formateur), by=formateur, price="1000", sources=[(SourceKind.REGION, "900")])
        log_session(pair(member, UserFactory(compagnon=True), by=formateur, days_ago=20), DAYS_AGO, 30 + i)
    client.force_login(formateur)
    with django_assert_max_num_queries(15):  # issue 21: the invoices or sources behind the lines in one query
        assert client.get(reverse("funding:bpf"), {"year": _day().year}).status_code == 200


@pytest.mark.parametrize("who", ["apprenti", "compagnon", "outsider"])
def test_members_may_not_see_the_bpf(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("funding:bpf")).status_code == 403
    assert client.get(reverse("funding:bpf_export", args=["csv"])).status_code == 403


def test_with_the_invoices_half_the_revenue_and_the_invoices_behind_each_line(formateur, monkeypatch):
    from compagnons.funding.revenue import revenue_by_origin
    from tests.factories.funding_invoices import credit, issued

    monkeypatch.setattr(bpf, "revenue_by_origin", revenue_by_origin)
    invoice = issued(formateur, lines=((1, 450_000),))  # to an OPCO, 4,500 €
    note = credit(invoice, formateur, 50_000)
    report = bpf.build(invoice.year)
    opco = _box(report.revenue, "2 h")
    assert report.revenue_from_invoices and opco.amount == Decimal("4000.00") == report.revenue_total
    assert any(invoice.number in p and "OPCO des métiers" in p for p in opco.people)
    assert any(note.number in p and p.startswith("Avoir") for p in opco.people)


def test_the_invoices_behind_the_lines_in_one_query_whatever_the_lines(
    formateur, monkeypatch, django_assert_num_queries
):
    """Issue 21: the first invoices of every line in one query (a window function), not one query per line."""
    from compagnons.funding.revenue import revenue_by_origin
    from tests.factories.funding_invoices import FUNDER, issued

    monkeypatch.setattr(bpf, "revenue_by_origin", revenue_by_origin)
    monkeypatch.setattr(bpf, "PEOPLE_SHOWN", 2)
    first = issued(formateur, lines=((1, 100_000),))
    bpf._invoices_behind(first.year, {k: bpf.Box(*bpf.REVENUE_LINES[k]) for k in bpf.REVENUE_LINES})
    with django_assert_num_queries(2):
        bpf._invoices_behind(first.year, {k: bpf.Box(*bpf.REVENUE_LINES[k]) for k in bpf.REVENUE_LINES})
    for origin in (SourceKind.OPCO, SourceKind.REGION, SourceKind.FRANCE_TRAVAIL):
        for n in range(3):
            issued(formateur, lines=((1, 10_000 * (n + 1)),), buyer=FUNDER | {"origin": origin})
    boxes = {k: bpf.Box(*bpf.REVENUE_LINES[k]) for k in bpf.REVENUE_LINES}
    with django_assert_num_queries(2):
        bpf._invoices_behind(first.year, boxes)
    assert len(boxes[SourceKind.OPCO].people) == 2 and boxes[SourceKind.OPCO].more == 2
    assert first.number in boxes[SourceKind.OPCO].people[0]  # the first issued first
    assert len(boxes[SourceKind.REGION].people) == 2 and boxes[SourceKind.REGION].more == 1
    assert len(boxes[SourceKind.FRANCE_TRAVAIL].people) == 2
