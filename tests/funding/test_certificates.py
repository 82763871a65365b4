"""The certificat de réalisation per enrollment and period: a real PDF after the Ministry's model, the hours of
apprenticeship.attendance (the same figures as quality's attendance sheet, checked here), a period inside the
enrollment, and only the person and the team may download it."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from compagnons.coaching import services as coaching
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.funding import certificates
from compagnons.funding.models import CompletionCertificate
from compagnons.quality import exports
from tests.factories import UserFactory
from tests.factories.apprenticeship import log_session
from tests.factories.coaching import book, happened, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _coached(coach, member, *, days_ago=2, minutes=45):
    slot = publish(coach, minutes=minutes)
    booking = book(slot, member)
    happened(slot, hours_ago=24 * days_ago)
    coaching.confirm_session(booking, by=coach, says="held")
    coaching.confirm_session(booking, by=member, says="held")
    return booking


def _text(certificate) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate.pdf.open("rb").read())).pages)


@pytest.fixture
def hours(mentorship, apprenti):
    """Confirmed: 90 min 40 days ago, 60 min 10 days ago, coaching 45 min 5 days ago; one session not confirmed."""
    log_session(mentorship, 40, 90)
    log_session(mentorship, 10, 60)
    log_session(mentorship, 8, 120, confirm=False)
    _coached(UserFactory(compagnon=True), apprenti, days_ago=5, minutes=45)


def test_the_certificate_has_the_same_figures_as_the_attendance_sheet(enrolled, formateur, apprenti, hours):
    today = timezone.localdate()
    for start, end in [(today - timedelta(days=60), today), (today - timedelta(days=20), today - timedelta(days=6))]:
        certificate = certificates.issue_certificate(enrolled, period_start=start, period_end=end, by=formateur)
        sheet = exports.attendance_context(apprenti, start, end)
        assert certificate.minutes == sheet["minutes"]
        assert certificate.sessions == len(sheet["lines"])
        assert f"{sheet['hours']} h" in _text(certificate)
        certificate.delete()
    certificate = certificates.issue_certificate(
        enrolled, period_start=today - timedelta(days=60), period_end=today, by=formateur
    )
    assert certificate.minutes == 90 + 60 + 45 and certificate.hours_text == "3 h 15"


def test_the_pdf_follows_the_ministry_model(enrolled, formateur, apprenti, hours):
    today = timezone.localdate()
    certificate = certificates.issue_certificate(
        enrolled, period_start=today - timedelta(days=60), period_end=today, by=formateur
    )
    text = _text(certificate)
    for mention in (
        "Certificat de réalisation",
        "atteste que",
        apprenti.display_name,
        enrolled.cohort.certification.name,
        "action de formation",
        "bilan de compétences",
        "3 ans",
        (today - timedelta(days=60)).strftime("%d/%m/%Y"),
    ):
        assert mention in text
    assert AuditLog.objects.filter(action="funding.certificate_issued", actor=formateur).exists()


@pytest.mark.parametrize(
    "start_days, end_days, message",
    [
        (200, 0, "dans celle de l'inscription"),  # before the cohort's start (120 days ago)
        (10, -5, "jours passés"),
        (5, 10, "précéder"),
    ],
)
def test_a_period_outside_the_enrollment_is_refused(enrolled, formateur, hours, start_days, end_days, message):
    today = timezone.localdate()
    with pytest.raises(InvalidTransition, match=message):
        certificates.issue_certificate(
            enrolled,
            period_start=today - timedelta(days=start_days),
            period_end=today - timedelta(days=end_days),
            by=formateur,
        )
    assert not CompletionCertificate.objects.exists()


def test_no_hours_or_an_overlap_is_refused(enrolled, formateur, hours):
    today = timezone.localdate()
    with pytest.raises(InvalidTransition, match="Aucune séance"):
        certificates.issue_certificate(enrolled, period_start=today - timedelta(days=4), period_end=today, by=formateur)
    certificates.issue_certificate(enrolled, period_start=today - timedelta(days=50), period_end=today, by=formateur)
    with pytest.raises(InvalidTransition, match="couvre déjà"):
        certificates.issue_certificate(
            enrolled, period_start=today - timedelta(days=60), period_end=today - timedelta(days=30), by=formateur
        )
    assert CompletionCertificate.objects.count() == 1


def test_only_the_team_issues(enrolled, apprenti, hours):
    today = timezone.localdate()
    with pytest.raises(PermissionRefused):
        certificates.issue_certificate(enrolled, period_start=today - timedelta(days=50), period_end=today, by=apprenti)


def test_pages(client, enrolled, formateur, apprenti, compagnon, outsider, hours, django_assert_max_num_queries):
    today = timezone.localdate()
    client.force_login(formateur)
    url = reverse("funding:certificate_new", args=[enrolled.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"period_start": (today - timedelta(days=300)).isoformat(), "period_end": today})
    assert response.status_code == 200 and "dans celle de l&#x27;inscription" in response.content.decode()
    response = client.post(url, {"period_start": (today - timedelta(days=60)).isoformat(), "period_end": today})
    assert response.status_code == 302
    certificate = CompletionCertificate.objects.get()
    pdf = reverse("funding:certificate_pdf", args=[certificate.pk])
    client.force_login(apprenti)
    with django_assert_max_num_queries(8):
        assert certificate.hours_text in client.get(reverse("funding:mine")).content.decode()
    response = client.get(pdf)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    for person in (compagnon, outsider):
        client.force_login(person)
        assert client.get(pdf).status_code == 404
    client.force_login(apprenti)
    assert client.get(url).status_code == 403
