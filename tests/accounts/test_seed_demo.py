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
