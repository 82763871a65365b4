"""Issue 13 (C3): ids and page numbers read from requests are bounded: « ² », a 20-digit id or page number get
a 404 or a message, never a 500 (ValueError, OverflowError on SQLite, an OFFSET out of range)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.core.ids import MAX_ID, parse_id, parse_page
from compagnons.showcase import services as showcase
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 20


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (12, 12),
        (" 7 ", 7),
        ("²", None),
        ("٣", None),
        ("-1", None),
        ("0", None),
        ("", None),
        (None, None),
        (HUGE, None),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (True, None),
        ("1e3", None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


def test_parse_page():
    assert (parse_page(None), parse_page("²"), parse_page("3"), parse_page(HUGE)) == (1, 1, 3, 100_000)


def test_a_huge_page_of_the_audit_log(client, formateur):
    client.force_login(formateur)
    assert client.get(reverse("core:audit_log"), {"page": "9" * 30}).status_code == 200
    assert client.get(reverse("core:audit_log"), {"page": "²"}).status_code == 200


def test_a_huge_page_of_the_chain(client):
    assert client.get(reverse("apprenticeship:chain"), {"page": "9" * 30}).status_code == 200


def test_a_superscript_digit_as_a_transaction_to_reverse(client, formateur, compagnon):
    client.force_login(formateur)
    url = reverse("ledger:staff_member", args=[compagnon.pk])
    for value in ("²", HUGE):
        assert client.post(url, {"reverse": "1", "transaction": value, "reason": "Erreur"}).status_code == 404


def test_superscript_digits_and_huge_ids_in_the_outcomes_pages(client, formateur):
    client.force_login(formateur)
    assert client.get(reverse("outcomes:follow_ups"), {"wave": "²"}).status_code == 200
    for figure in ("bloc-²", f"bloc-{HUGE}", "ins-²-holders-work", f"ins-{HUGE}-holders-work"):
        assert client.get(reverse("outcomes:people"), {"figure": figure}).status_code in (200, 404)
    for cohort in ("²", HUGE):
        assert client.get(reverse("outcomes:dashboard"), {"cohort": cohort}).status_code == 200


def test_a_huge_id_in_a_multiple_choice_is_an_invalid_choice(client, apprenti, compagnon, formateur):
    from compagnons.apprenticeship import services as path_services
    from compagnons.apprenticeship.models import MentoringSession

    mentorship = path_services.assign_mentor(apprenti, compagnon, by=formateur)

    client.force_login(compagnon)
    response = client.post(
        reverse("apprenticeship:session_new", args=[mentorship.pk]),
        {"date": timezone.localdate().isoformat(), "duration_minutes": "60", "mode": "visio", "competences": [HUGE]},
    )
    assert response.status_code == 200
    assert not MentoringSession.objects.exists()


def test_a_huge_id_to_delete_from_the_showcase(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    member = UserFactory(compagnon=True)
    profile = showcase.profile_of(member)
    assert showcase.remove_portfolio_item(profile, HUGE, by=member) is False
    assert showcase.remove_service(profile, HUGE, by=member) is False
    assert showcase.remove_portfolio_item(profile, "²", by=member) is False
