import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from compagnons.accounts.models import Role, User
from compagnons.core.models import AuditLog

pytestmark = pytest.mark.django_db

DEMO = ["apprenti@demo.test", "compagnon@demo.test", "client@demo.test", "formateur@demo.test"]


@override_settings(DEBUG=True)
def test_seed_demo_is_idempotent_and_each_demo_account_logs_in_to_its_dashboard(client):
    call_command("seed_demo")
    counts = (User.objects.count(), AuditLog.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), AuditLog.objects.count()) == counts

    expected = {
        "apprenti": Role.APPRENTICE,
        "compagnon": Role.COMPAGNON,
        "client": Role.CLIENT,
        "formateur": Role.STAFF,
    }
    for email in DEMO:
        user = User.objects.get(email=email)
        assert expected[email.split("@")[0]] in user.roles
        response = client.post("/comptes/login/", {"login": email, "password": "compagnons-demo"})
        assert response["Location"] == "/espace/", email
        assert client.get("/espace/").status_code == 200
        client.post("/comptes/logout/")
    assert User.objects.awaiting_recognition().count() == 1


@override_settings(DEBUG=False)
def test_seed_demo_refuses_without_debug():
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_the_demo_tells_one_consistent_story():
    from compagnons.apprenticeship.models import Enrollment, Mentorship
    from compagnons.ledger.models import Transaction
    from compagnons.outcomes.models import FollowUp
    from compagnons.skills.models import Positioning

    call_command("seed_demo")
    # A received compagnon is nobody's apprentice any more, and waits in no entry-positioning queue.
    received = User.objects.filter(email__in=["nathalie.petit@demo.test", "sylvie.garnier@demo.test"])
    for member in received:
        if Role.COMPAGNON in member.roles:
            assert not Mentorship.objects.active().filter(apprentice=member).exists(), member.email
            assert not Positioning.objects.filter(member=member, status=Positioning.Status.SUBMITTED).exists()
    pending = Positioning.objects.filter(status=Positioning.Status.SUBMITTED).select_related("member")
    assert pending and all(Role.COMPAGNON not in p.member.roles for p in pending)
    # The two past promotions are not copies of each other.
    by_year = {}
    for year in (2023, 2024):
        statuses = sorted(Enrollment.objects.filter(cohort__name=f"Promotion {year}").values_list("status", flat=True))
        situations = sorted(
            FollowUp.objects.filter(exit__cohort__name=f"Promotion {year}", wave=6).values_list("situation", flat=True)
        )
        by_year[year] = (statuses, situations)
    assert by_year[2023] != by_year[2024]
    # Every demo account starts with its welcome grant, as at sign-up.
    for email in DEMO:
        assert Transaction.objects.filter(kind="welcome", beneficiary__email=email).count() == 1
