"""Memberships: one per member and year, the amount from the settings' categories, a receipt PDF for the member
(and the team) only; and membership is never a condition to reach the mission bank."""

import ast
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.funding import memberships
from compagnons.funding.models import Membership
from tests.factories.funding_invoices import join

pytestmark = pytest.mark.django_db


def test_a_membership_takes_its_category_amount_and_builds_a_receipt(
    formateur, apprenti, settings, django_capture_on_commit_callbacks
):
    settings.MEMBERSHIP_FEES = {"individuelle": 2500, "solidaire": 500}
    with django_capture_on_commit_callbacks(execute=True):
        membership = join(apprenti, formateur, category="solidaire")

    membership.refresh_from_db()
    assert (membership.amount_cents, membership.year) == (500, timezone.localdate().year)
    assert membership.member_name == "Léa Martin"
    assert membership.ready
    assert membership.file.open("rb").read().startswith(b"%PDF")


def test_once_per_member_and_year_an_unknown_category_and_only_by_the_team(formateur, apprenti):
    join(apprenti, formateur)
    with pytest.raises(InvalidTransition, match="déjà adhérent"):
        join(apprenti, formateur)
    with pytest.raises(ValueError, match="catégorie"):
        join(apprenti, formateur, category="platine", year=timezone.localdate().year + 1)
    with pytest.raises(PermissionRefused):
        join(apprenti, apprenti, year=timezone.localdate().year + 1)
    assert Membership.objects.count() == 1


def test_the_default_categories_come_from_the_settings():
    assert memberships.fees() == django_settings.MEMBERSHIP_FEES
    assert all(cents > 0 for cents in memberships.fees().values())


def test_the_team_records_a_membership_on_the_page(client, formateur, apprenti):
    client.force_login(formateur)
    today = timezone.localdate()
    data = {"email": apprenti.email, "category": "individuelle", "year": today.year, "paid_on": today.isoformat()}

    client.post(reverse("funding:memberships"), data)
    again = client.post(reverse("funding:memberships"), data)

    assert Membership.objects.filter(member=apprenti).count() == 1
    assert "déjà adhérent" in again.text and apprenti.email in again.text


def test_the_receipt_is_the_member_s_and_the_team_s_only(
    client, formateur, apprenti, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = join(apprenti, formateur)
    url = reverse("funding:membership_receipt", args=[membership.pk])

    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(apprenti)
    assert client.get(url).status_code == 200
    assert "Télécharger le reçu" in client.get(reverse("funding:my_invoices")).text
    client.force_login(formateur)
    assert client.get(url).status_code == 200


def test_a_member_without_membership_reaches_the_mission_bank(client, apprenti, published):
    mission = published()
    assert not Membership.objects.exists()
    client.force_login(apprenti)

    assert client.get(reverse("missions:list")).status_code == 200
    assert client.get(reverse("missions:detail", args=[mission.pk])).status_code == 200
    assert client.get(reverse("missions:recommendations")).status_code == 200


def test_no_app_of_the_mission_bank_or_the_path_reads_memberships():
    """Membership is read by funding alone: no other app imports the model or its services, so no rule of the
    mission bank, the path or the ledger can hang on it."""
    root = Path(django_settings.BASE_DIR) / "compagnons"
    offenders = []
    for path in root.rglob("*.py"):
        if path.is_relative_to(root / "funding"):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any(name == "Membership" or name.endswith("memberships") for name in names):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
