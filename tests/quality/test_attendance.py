import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from compagnons.apprenticeship import services as path
from compagnons.apprenticeship.models import Cohort, Enrollment, MentoringSession
from compagnons.quality import figures
from tests.factories import UserFactory
from tests.quality.conftest import log_session

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).strftime("%d/%m/%Y")


@pytest.fixture
def sessions(mentorship):
    confirmed = [log_session(mentorship, 20, 90), log_session(mentorship, 10, 45)]
    pending = log_session(mentorship, 5, 60, confirm=False)
    disputed = log_session(mentorship, 3, 30, confirm=False)
    path.dispute_session(disputed, by=mentorship.apprentice, comment="Pas eu lieu.")
    return confirmed, pending, disputed


def test_the_sheet_holds_only_confirmed_sessions_with_both_signatures_and_totals(client, apprenti, sessions):
    (first, second), _pending, _disputed = sessions
    client.force_login(apprenti)

    response = client.get(reverse("quality:attendance_pdf", args=[apprenti.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert _day(20) in text and _day(10) in text
    assert _day(5) not in text and _day(3) not in text
    assert "135 minutes" in text
    assert timezone.localtime(first.confirmed_at).strftime("%d/%m/%Y %H:%M") in text
    assert timezone.localtime(second.logged_at).strftime("%d/%m/%Y %H:%M") in text


def test_the_period_limits_the_sessions(client, apprenti, sessions):
    client.force_login(apprenti)
    since = (timezone.localdate() - timedelta(days=15)).isoformat()

    page = client.get(reverse("quality:attendance", args=[apprenti.pk]), {"du": since})
    pdf = client.get(reverse("quality:attendance_pdf", args=[apprenti.pk]), {"du": since})

    assert page.context["count"] == 1 and page.context["minutes"] == 45
    text = _pdf_text(pdf.content)
    assert _day(10) in text and _day(20) not in text


def test_a_period_ending_before_it_starts_is_refused(client, apprenti, sessions):
    client.force_login(apprenti)
    today = timezone.localdate()

    response = client.get(
        reverse("quality:attendance", args=[apprenti.pk]),
        {"du": today.isoformat(), "au": (today - timedelta(days=30)).isoformat()},
    )

    assert "La date de début doit précéder la date de fin." in response.text
    assert response.context["count"] == 2  # the whole path meanwhile


def test_the_apprentice_their_mentor_and_staff_see_it_others_get_404(
    client, apprenti, compagnon, formateur, outsider, sessions
):
    urls = [reverse("quality:attendance", args=[apprenti.pk]), reverse("quality:attendance_pdf", args=[apprenti.pk])]
    for url in urls:
        assert reverse("account_login") in client.get(url)["Location"]
    for who in (apprenti, compagnon, formateur):
        client.force_login(who)
        assert all(client.get(url).status_code == 200 for url in urls)
    for who in (outsider, UserFactory(compagnon=True)):
        client.force_login(who)
        assert all(client.get(url).status_code == 404 for url in urls)


@pytest.mark.parametrize("extra", [0, 8])
def test_the_attendance_page_runs_a_bounded_number_of_queries(
    client, mentorship, apprenti, extra, django_assert_max_num_queries
):
    for i in range(2 + extra):
        log_session(mentorship, 30 - i)
    client.force_login(apprenti)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("quality:attendance", args=[apprenti.pk]))
    assert response.context["count"] == 2 + extra


def test_cohort_hours_count_confirmed_sessions_while_enrolled(client, formateur, mentorship, enrolled, cohort):
    log_session(mentorship, 20, 90)
    log_session(mentorship, 10, 30)
    log_session(mentorship, 8, 60, confirm=False)  # not confirmed: not counted
    log_session(mentorship, 40, 120)  # before the cohort started: not counted
    Cohort.objects.filter(pk=cohort.pk).update(starts_on=timezone.localdate() - timedelta(days=30))

    found = figures.cohort_hours([cohort.pk])[cohort.pk]

    assert (found["members"], found["sessions"], found["minutes"], found["hours"]) == (1, 2, 120, 2.0)
    client.force_login(formateur)
    response = client.get(reverse("quality:hours"))
    assert "2.0 h (120 min)" in response.text or "2,0 h (120 min)" in response.text


def test_hours_stop_at_the_end_of_the_enrollment(mentorship, enrolled, cohort, formateur):
    log_session(mentorship, 20, 90)
    log_session(mentorship, 5, 30)
    path.complete_path(enrolled, by=formateur)
    Enrollment.objects.filter(pk=enrolled.pk).update(ended_at=timezone.now() - timedelta(days=10))

    assert figures.cohort_hours([cohort.pk])[cohort.pk]["minutes"] == 90


def test_the_hours_page_is_for_staff_and_bounded(
    client, formateur, outsider, mentorship, django_assert_max_num_queries
):
    assert reverse("account_login") in client.get(reverse("quality:hours"))["Location"]
    client.force_login(outsider)
    assert client.get(reverse("quality:hours")).status_code == 403
    log_session(mentorship, 3)
    assert MentoringSession.objects.filter(status="confirmed").count() == 1
    client.force_login(formateur)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("quality:hours")).status_code == 200
