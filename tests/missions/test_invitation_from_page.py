"""« Proposer une mission » from a member's public page: the form is prefilled with the member to invite, and the
invitation goes out once, when staff publish the mission, only to the member of a published page with an active
account (issue 22)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from compagnons.core.exceptions import InvalidTransition
from compagnons.core.models import AuditLog
from compagnons.missions import invitations, services
from compagnons.missions.models import Mission
from compagnons.showcase import services as showcase
from compagnons.showcase.models import Invitation, Service
from tests.factories import UserFactory
from tests.missions.conftest import CHECKLIST

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def page(compagnon):
    """The compagnon's published page, built through showcase's services."""
    profile = showcase.profile_of(compagnon)
    profile.headline = "Graphiste pour les associations"
    profile.save()
    Service.objects.create(profile=profile, title="Logo", price_cents=90000, unit="fixed", hours=24)
    showcase.publish(profile, by=compagnon)
    return profile


def form_data(competences, **extra) -> dict:
    today = timezone.localdate()
    return {
        "title": "Une affiche pour la fête du quartier",
        "context": "Une association de quartier.",
        "deliverables": "Une affiche A3 et sa version web.",
        "competences": [competences[0].pk],
        "place": "remote",
        "languages": "français",
        "starts_on": today.isoformat(),
        "deadline": (today + timedelta(days=20)).isoformat(),
        "pricing": "fixed",
        "budget": "500",
        "estimated_hours": "20",
        "submit": "1",
        **extra,
    }


def new_url(slug: str) -> str:
    return f"{reverse('missions:new')}?inviter={slug}"


class TestTheForm:
    def test_the_form_is_prefilled_with_the_member_and_the_mission_stores_them(
        self, client, client_user, compagnon, page, competences
    ):
        client.force_login(client_user)
        html = client.get(new_url(page.slug)).content.decode()
        assert f"Inviter {compagnon.display_name} à candidater" in html
        assert 'name="invite"' in html and "checked" in html
        response = client.post(new_url(page.slug), form_data(competences, invite="on"))
        assert response.status_code == 302
        mission = Mission.objects.get()
        assert (mission.invited, mission.status) == (compagnon, Mission.Status.SUBMITTED)
        # Nothing goes out before staff publish it.
        assert not Invitation.objects.exists()
        assert mail.outbox == []

    def test_unticked_the_mission_invites_nobody(self, client, client_user, page, competences):
        client.force_login(client_user)
        assert client.post(new_url(page.slug), form_data(competences)).status_code == 302
        assert Mission.objects.get().invited is None

    @pytest.mark.parametrize("slug", ["inconnu", "../../etc", "x" * 200, "%00"])
    def test_an_unknown_or_malformed_page_is_said_and_invites_nobody(self, client, client_user, slug, competences):
        client.force_login(client_user)
        response = client.get(new_url(slug))
        assert response.status_code == 200
        html = response.content.decode()
        assert "pas (ou plus) publiée" in html
        assert 'name="invite"' not in html
        assert client.post(new_url(slug), form_data(competences, invite="on")).status_code == 302
        assert Mission.objects.get().invited is None

    def test_an_unpublished_page_invites_nobody(self, client, client_user, compagnon, page, competences):
        showcase.unpublish(page, by=compagnon)
        client.force_login(client_user)
        assert "pas (ou plus) publiée" in client.get(new_url(page.slug)).content.decode()

    def test_a_client_does_not_invite_themself(self, client, compagnon, page, competences):
        from compagnons.accounts.models import Role, RoleGrant

        RoleGrant.objects.create(user=compagnon, role=Role.CLIENT)
        client.force_login(compagnon)
        html = client.get(new_url(page.slug)).content.decode()
        assert 'name="invite"' not in html
        client.post(new_url(page.slug), form_data(competences, invite="on"))
        assert Mission.objects.get().invited is None

    def test_a_draft_keeps_its_invitation_and_can_drop_it(self, client, client_user, compagnon, page, competences):
        client.force_login(client_user)
        data = form_data(competences, invite="on")
        data.pop("submit")
        client.post(new_url(page.slug), {**data, "save": "1"})
        mission = Mission.objects.get()
        assert mission.invited == compagnon
        edit = reverse("missions:edit", args=[mission.pk])
        assert f"Inviter {compagnon.display_name}" in client.get(edit).content.decode()
        data.pop("invite")
        client.post(edit, {**data, "save": "1"})
        mission.refresh_from_db()
        assert mission.invited is None

    def test_refused_to_members_who_are_not_clients_and_to_visitors(self, client, apprenti, page):
        assert client.get(new_url(page.slug)).status_code == 302  # to the login page
        client.force_login(apprenti)
        assert client.get(new_url(page.slug)).status_code == 404

    def test_query_count_is_bounded(self, client, client_user, page, django_assert_max_num_queries):
        client.force_login(client_user)
        with django_assert_max_num_queries(12):
            assert client.get(new_url(page.slug)).status_code == 200


@pytest.fixture
def proposed(make_mission, client_user, compagnon, page):
    """A mission proposed from the compagnon's page, submitted to staff."""
    mission = make_mission(invited=compagnon)
    return services.submit(mission, by=client_user)


def publish(mission, by):
    return services.publish(mission, by=by, checklist=CHECKLIST)


class TestPublication:
    def test_publication_invites_the_member_once_by_email_and_in_their_space(
        self, client, proposed, page, compagnon, formateur, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            publish(proposed, formateur)
        invitation = Invitation.objects.get()
        assert (invitation.profile, invitation.mission) == (page, proposed)
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [compagnon.email]
        assert proposed.title in mail.outbox[0].body
        entry = AuditLog.objects.get(action="showcase.invited")
        assert (entry.actor, entry.data["mission"], entry.data["on_publication"]) == (formateur, proposed.pk, True)
        # Delivered again (a second call, a retry): still one invitation, one e-mail.
        with django_capture_on_commit_callbacks(execute=True):
            assert invitations.deliver(proposed, by=formateur) is False
        assert Invitation.objects.count() == 1 and len(mail.outbox) == 1
        # « Mon espace »: the member sees the mission they are invited to.
        client.force_login(compagnon)
        html = client.get(reverse("accounts:dashboard")).content.decode()
        assert "On vous invite à candidater" in html
        assert reverse("missions:detail", args=[proposed.pk]) in html

    def test_nothing_goes_out_before_publication(self, proposed, django_capture_on_commit_callbacks):
        assert invitations.deliver(proposed, by=proposed.client) is False
        assert not Invitation.objects.exists()

    def test_a_page_taken_down_meanwhile_gets_no_invitation(
        self, proposed, page, compagnon, formateur, django_capture_on_commit_callbacks
    ):
        showcase.unpublish(page, by=compagnon)
        with django_capture_on_commit_callbacks(execute=True):
            mission = publish(proposed, formateur)
        assert mission.status == Mission.Status.PUBLISHED
        assert not Invitation.objects.exists()
        assert mail.outbox == []
        assert AuditLog.objects.filter(action="mission.invitation_not_sent", target_id=str(mission.pk)).exists()

    def test_an_inactive_account_gets_no_invitation(
        self, proposed, compagnon, formateur, django_capture_on_commit_callbacks
    ):
        compagnon.is_active = False
        compagnon.save(update_fields=["is_active"])
        with django_capture_on_commit_callbacks(execute=True):
            publish(proposed, formateur)
        assert not Invitation.objects.exists()
        assert mail.outbox == []

    def test_a_mission_without_invitation_invites_nobody(
        self, make_mission, client_user, formateur, page, django_capture_on_commit_callbacks
    ):
        mission = services.submit(make_mission(), by=client_user)
        with django_capture_on_commit_callbacks(execute=True):
            publish(mission, formateur)
        assert not Invitation.objects.exists()
        assert not AuditLog.objects.filter(action="mission.invitation_not_sent").exists()

    def test_a_member_already_invited_by_hand_is_not_invited_twice(
        self, proposed, page, client_user, formateur, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            mission = publish(proposed, formateur)
            # The client clicks « Inviter à candidater » on the page as well: refused, one invitation suffices.
            with pytest.raises(InvalidTransition, match="une invitation suffit"):
                showcase.invite(page, mission, by=client_user)
        assert Invitation.objects.count() == 1 and len(mail.outbox) == 1

    def test_the_invitation_leaves_the_space_once_the_member_applied(
        self, client, proposed, compagnon, formateur, django_capture_on_commit_callbacks
    ):
        publish(proposed, formateur)
        services.apply(proposed, compagnon, message="Avec plaisir.")
        client.force_login(compagnon)
        assert "On vous invite à candidater" not in client.get(reverse("accounts:dashboard")).content.decode()

    def test_staff_see_the_invitation_when_they_qualify(self, client, proposed, compagnon, formateur):
        client.force_login(formateur)
        html = client.get(reverse("missions:qualify", args=[proposed.pk])).content.decode()
        assert f"Proposée depuis la page de {compagnon.display_name}" in html


def test_the_other_member_is_never_invited(proposed, page, formateur, django_capture_on_commit_callbacks):
    """The invitation goes to the member the mission names, not to anyone else with a page."""
    other = UserFactory(compagnon=True)
    other_page = showcase.profile_of(other)
    other_page.headline = "Autre"
    other_page.save()
    Service.objects.create(profile=other_page, title="Logo", price_cents=90000, unit="fixed", hours=24)
    showcase.publish(other_page, by=other)
    with django_capture_on_commit_callbacks(execute=True):
        publish(proposed, formateur)
    assert list(Invitation.objects.values_list("profile_id", flat=True)) == [page.pk]
