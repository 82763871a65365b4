import pytest
from django.urls import reverse

from compagnons.accounts import services
from compagnons.accounts.models import Role, RoleGrant
from compagnons.core.exceptions import PermissionRefused
from compagnons.core.models import AuditLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_recognise_a_founding_compagnon_with_evidence(formateur, outsider):
    grant = services.recognise_founding_compagnon(outsider, by=formateur, evidence="15 ans de traduction")

    assert grant.granted_by == formateur
    assert grant.reason == "15 ans de traduction"
    assert outsider.is_compagnon
    entry = AuditLog.objects.get(action="account.role_granted")
    assert (entry.actor, entry.target_id, entry.data) == (formateur, str(outsider.pk), {"role": "compagnon"})


def test_recognition_needs_evidence(formateur, outsider):
    with pytest.raises(ValueError):
        services.recognise_founding_compagnon(outsider, by=formateur, evidence="  ")
    assert not RoleGrant.objects.filter(user=outsider).exists()


@pytest.mark.parametrize("who", ["apprenti", "compagnon", "client_user"])
def test_only_staff_grant_roles(request, who, outsider):
    member = request.getfixturevalue(who)
    with pytest.raises(PermissionRefused):
        services.grant_role(outsider, Role.COMPAGNON, by=member, reason="je le connais")
    with pytest.raises(PermissionRefused):
        services.grant_role(member, Role.COMPAGNON, by=member, reason="moi-même")
    assert not RoleGrant.objects.filter(role=Role.COMPAGNON).exclude(user__role_grants__role=Role.COMPAGNON).exists()
    assert not AuditLog.objects.filter(action="account.role_granted").exists()


def test_granting_twice_keeps_one_grant_and_one_log(formateur, outsider):
    services.grant_role(outsider, Role.CLIENT, by=formateur)
    services.grant_role(outsider, Role.CLIENT, by=formateur)

    assert RoleGrant.objects.filter(user=outsider, role=Role.CLIENT).count() == 1
    assert AuditLog.objects.filter(action="account.role_granted").count() == 1


def test_staff_role_opens_and_closes_the_admin(formateur, outsider):
    services.grant_role(outsider, Role.STAFF, by=formateur)
    outsider.refresh_from_db()
    assert outsider.is_staff

    services.revoke_role(outsider, Role.STAFF, by=formateur)
    outsider.refresh_from_db()
    assert not outsider.is_staff
    assert AuditLog.objects.filter(action="account.role_revoked").count() == 1


def test_a_person_may_hold_several_roles(formateur):
    member = UserFactory(roles=[Role.COMPAGNON, Role.CLIENT])
    assert member.roles == {Role.COMPAGNON, Role.CLIENT}


class TestRecognitionPages:
    def test_staff_see_requests_and_recognise(self, client, formateur, django_assert_max_num_queries):
        candidate = UserFactory(first_name="Bernard", last_name="Rousseau")
        services.register_member(candidate, intents=[services.Intent.TRANSMIT])
        client.force_login(formateur)

        with django_assert_max_num_queries(8):
            listing = client.get(reverse("accounts:recognition_requests"))
        assert "Bernard Rousseau" in listing.content.decode()

        url = reverse("accounts:recognise_compagnon", args=[candidate.pk])
        refused = client.post(url, {"evidence": ""})
        assert refused.status_code == 200
        assert not candidate.role_grants.exists()

        done = client.post(url, {"evidence": "Traducteur indépendant depuis 2008"})
        assert done.status_code == 302
        assert candidate.role_grants.get().role == Role.COMPAGNON

    @pytest.mark.parametrize("who", ["apprenti", "compagnon", "client_user", "outsider"])
    def test_members_are_refused(self, client, request, who, formateur):
        member = request.getfixturevalue(who)
        client.force_login(member)

        assert client.get(reverse("accounts:recognition_requests")).status_code == 403
        response = client.post(reverse("accounts:recognise_compagnon", args=[member.pk]), {"evidence": "moi"})
        assert response.status_code == 403
        assert not member.role_grants.filter(role=Role.COMPAGNON, granted_by__isnull=False).exists()
