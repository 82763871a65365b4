import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from compagnons.apprenticeship import services as path_services
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.ledger import balances, services
from compagnons.ledger.models import Account, AppendOnlyError, Movement, Transaction
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def bal(member) -> int:
    return balances.balance(services.account_of(member))


class TestInvariants:
    def test_a_transaction_has_two_movements_summing_to_zero(self, compagnon):
        tx = services.adjust(compagnon, 30, by=UserFactory(formateur=True), reason="Aide au salon")
        minutes = list(tx.movements.values_list("minutes", flat=True))
        assert sorted(minutes) == [-30, 30]
        assert sum(minutes) == 0

    @pytest.mark.parametrize("minutes", [0, -5])
    def test_zero_or_negative_amounts_are_refused(self, compagnon, apprenti, minutes):
        with pytest.raises(InvalidTransition):
            services.post(
                "coaching",
                from_account=services.account_of(apprenti),
                to_account=services.account_of(compagnon),
                minutes=minutes,
                idempotency_key="x",
            )
        assert not Transaction.objects.filter(idempotency_key="x").exists()

    def test_zero_is_refused_by_the_database_too(self, compagnon):
        tx = services.adjust(compagnon, 10, by=UserFactory(formateur=True), reason="x")
        with pytest.raises(IntegrityError):
            Movement.objects.bulk_create([Movement(transaction=tx, account=services.commons(), minutes=0)])

    def test_no_transfer_from_an_account_to_itself(self, compagnon):
        account = services.account_of(compagnon)
        with pytest.raises(InvalidTransition):
            services.post("coaching", from_account=account, to_account=account, minutes=10, idempotency_key="self")

    def test_movements_are_never_edited_or_deleted(self, compagnon):
        tx = services.adjust(compagnon, 10, by=UserFactory(formateur=True), reason="x")
        movement = tx.movements.first()
        movement.minutes = 999
        with pytest.raises(AppendOnlyError):
            movement.save()
        with pytest.raises(AppendOnlyError):
            movement.delete()
        with pytest.raises(AppendOnlyError):
            Movement.objects.filter(pk=movement.pk).update(minutes=5)
        with pytest.raises(AppendOnlyError):
            Movement.objects.all().delete()

    def test_admin_cannot_change_movements(self, client):
        admin = UserFactory(is_superuser=True, is_staff=True)
        tx = services.adjust(UserFactory(), 10, by=UserFactory(formateur=True), reason="x")
        client.force_login(admin)
        movement = tx.movements.first()
        response = client.post(reverse("admin:ledger_movement_change", args=[movement.pk]), {"minutes": 999})
        assert response.status_code == 403
        assert (
            client.post(reverse("admin:ledger_movement_delete", args=[movement.pk]), {"post": "yes"}).status_code == 403
        )
        movement.refresh_from_db()
        assert movement.minutes in (-10, 10)

    def test_idempotency_key_makes_a_double_submission_harmless(self, compagnon, apprenti):
        args = {
            "from_account": services.account_of(apprenti),
            "to_account": services.account_of(compagnon),
            "minutes": 20,
            "idempotency_key": "coaching:once",
            "confirmed": True,
        }
        first = services.post("coaching", **args)
        second = services.post("coaching", **args)
        assert first == second
        assert Transaction.objects.filter(idempotency_key="coaching:once").count() == 1

    def test_one_evidence_backs_one_transaction_per_kind_and_beneficiary(self, compagnon, apprenti):
        evidence = UserFactory()  # any object stands for evidence here
        kwargs = {
            "from_account": services.account_of(apprenti),
            "to_account": services.account_of(compagnon),
            "minutes": 15,
        }
        first = services.post("review", idempotency_key="a", evidence=evidence, beneficiary=compagnon, **kwargs)
        again = services.post("review", idempotency_key="b", evidence=evidence, beneficiary=compagnon, **kwargs)
        assert first == again
        assert Transaction.objects.filter(kind="review").count() == 1


@pytest.fixture
def paired(compagnon, apprenti, formateur):
    """Help is declared between people who worked together: here, a mentorship."""
    return path_services.assign_mentor(apprenti, compagnon, by=formateur)


def test_help_is_declared_only_between_people_who_worked_together(compagnon, apprenti, client):
    with pytest.raises(InvalidTransition):
        services.declare_help(compagnon, apprenti, kind="coaching", minutes=30, note="Aide")
    client.force_login(compagnon)
    unknown = client.post(
        reverse("ledger:declare"), {"email": "personne@nulle-part.test", "kind": "coaching", "minutes": 30, "note": "x"}
    ).content.decode()
    stranger = client.post(
        reverse("ledger:declare"), {"email": apprenti.email, "kind": "coaching", "minutes": 30, "note": "x"}
    ).content.decode()
    message = "Vous ne pouvez pas déclarer d&#x27;aide pour cette adresse."
    assert message in unknown and message in stranger  # the form does not tell who is a member


@pytest.mark.usefixtures("paired")
class TestStates:
    def test_pending_does_not_count_until_the_helped_person_confirms(self, compagnon, apprenti):
        before = bal(compagnon)
        tx = services.declare_help(compagnon, apprenti, kind="coaching", minutes=40, note="Préparer un entretien")
        assert tx.state == "pending"
        assert bal(compagnon) == before

        with pytest.raises(PermissionRefused):
            services.confirm(tx, by=compagnon)
        services.confirm(tx, by=apprenti)
        assert bal(compagnon) == before + 40

    def test_a_declined_entry_never_counts(self, compagnon, apprenti):
        before = bal(compagnon)
        tx = services.declare_help(compagnon, apprenti, kind="community", minutes=40, note="Aide")
        services.decline(tx, by=apprenti)
        with pytest.raises(InvalidTransition):
            services.confirm(tx, by=apprenti)
        assert bal(compagnon) == before

    def test_reversal_points_to_the_original_and_happens_once(self, compagnon, formateur):
        before = bal(compagnon)
        tx = services.adjust(compagnon, 50, by=formateur, reason="Erreur de saisie à venir")
        reversal = services.reverse(tx, by=formateur, reason="C'était une erreur")
        tx.refresh_from_db()
        assert (tx.state, reversal.reverses) == ("reversed", tx)
        assert bal(compagnon) == before
        with pytest.raises(InvalidTransition):
            services.reverse(tx, by=formateur, reason="Encore")
        with pytest.raises(InvalidTransition):
            services.reverse(reversal, by=formateur, reason="Et la correction ?")

    def test_adjustments_and_reversals_need_staff_and_a_reason(self, compagnon, apprenti, formateur):
        with pytest.raises(PermissionRefused):
            services.adjust(apprenti, 100, by=compagnon, reason="Cadeau")
        with pytest.raises(InvalidTransition):
            services.adjust(apprenti, 100, by=formateur, reason=" ")
        tx = services.adjust(apprenti, 100, by=formateur, reason="Animation d'un atelier")
        with pytest.raises(PermissionRefused):
            services.reverse(tx, by=compagnon, reason="Non")


class TestContributions:
    def test_confirming_a_session_credits_the_mentor_once(self, formateur, compagnon, apprenti):
        mentorship = path_services.assign_mentor(apprenti, compagnon, by=formateur)
        session = path_services.log_session(
            mentorship, by=compagnon, on=timezone.localdate(), duration_minutes=75, mode="visio"
        )
        before = bal(compagnon)
        path_services.confirm_session(session, by=apprenti)
        path_services.confirm_session(session, by=apprenti)
        assert bal(compagnon) == before + 75
        assert Transaction.objects.filter(kind="mentoring").count() == 1
        call_command("ledger_audit")

    def test_the_welcome_grant_is_given_once(self, settings):
        settings.LEDGER_WELCOME_MINUTES = 60
        member = UserFactory()
        services.account_of(member)
        services.account_of(member)
        assert bal(member) == 60
        assert Transaction.objects.filter(kind="welcome", beneficiary=member).count() == 1


class TestPolicy:
    def test_below_the_floor_flags_by_default_and_applications_go_on(self, compagnon, formateur, settings):
        settings.LEDGER_BALANCE_FLOOR_MINUTES = -60
        services.adjust(compagnon, -200, by=formateur, reason="Engagements non tenus")
        standing = balances.standing(compagnon)
        assert standing.below_floor and not standing.paused
        assert balances.application_pause_reason(compagnon) is None

    def test_optionally_pauses_applications_with_an_explanation(self, compagnon, formateur, settings, client_user):
        from compagnons.missions import services as missions
        from tests.missions.conftest import CHECKLIST

        settings.LEDGER_BALANCE_FLOOR_MINUTES = -60
        settings.LEDGER_PAUSE_APPLICATIONS_BELOW_FLOOR = True
        services.adjust(compagnon, -200, by=formateur, reason="Engagements non tenus")
        from compagnons.missions.models import Mission

        mission = Mission.objects.create(
            client=client_user,
            title="x",
            context="x",
            deliverables="x",
            starts_on=timezone.localdate(),
            deadline=timezone.localdate() + timedelta(days=5),
            budget_cents=50000,
            estimated_hours=10,
        )
        from compagnons.skills.models import Certification

        mission.competences.set(Certification.objects.current().competences.all()[:1])
        missions.submit(mission, by=client_user)
        missions.publish(mission, by=formateur, checklist=CHECKLIST)
        with pytest.raises(InvalidTransition) as paused:
            missions.apply(mission, compagnon, message="Bonjour")
        assert "compagnon" in str(paused.value)

    def test_apprentices_are_exempt(self, apprenti, formateur, settings):
        settings.LEDGER_BALANCE_FLOOR_MINUTES = -60
        settings.LEDGER_PAUSE_APPLICATIONS_BELOW_FLOOR = True
        services.adjust(apprenti, -500, by=formateur, reason="Test")
        assert not balances.standing(apprenti).below_floor


@pytest.mark.usefixtures("paired")
class TestPages:
    def test_a_member_sees_what_they_gave_and_received(
        self, client, compagnon, apprenti, formateur, django_assert_max_num_queries
    ):
        for minutes in (30, 45, 60):
            services.confirm(
                services.declare_help(compagnon, apprenti, kind="coaching", minutes=minutes, note="Aide"), by=apprenti
            )
        client.force_login(compagnon)
        client.get(reverse("ledger:contributions"))  # the charter's current version, cached from then on
        # 15 (issue 21): the entries from the account's movements in one query, the balance from the summary; with
        # the ways to give back of apprenticeship, missions, coaching, community and learning
        with django_assert_max_num_queries(15) as first:
            html = client.get(reverse("ledger:contributions")).content.decode()
        assert "Coaching donné" in html and "<svg" in html
        for minutes in range(10, 70):  # more entries than the page lists, and one waiting for the compagnon
            services.confirm(
                services.declare_help(compagnon, apprenti, kind="coaching", minutes=minutes, note="Aide"), by=apprenti
            )
        services.declare_help(apprenti, compagnon, kind="coaching", minutes=15, note="Merci")
        with django_assert_max_num_queries(15) as second:
            html = client.get(reverse("ledger:contributions")).content.decode()
        assert len(second.captured_queries) == len(first.captured_queries)

    def test_the_page_lists_each_entry_once_with_the_members_minutes_and_the_balance(
        self, client, compagnon, apprenti, formateur
    ):
        services.confirm(
            services.declare_help(compagnon, apprenti, kind="coaching", minutes=40, note="Aide"), by=apprenti
        )
        services.confirm(
            services.declare_help(apprenti, compagnon, kind="coaching", minutes=25, note="Aide"), by=compagnon
        )
        client.force_login(compagnon)
        response = client.get(reverse("ledger:contributions"))
        rows = response.context["rows"]
        assert [row["minutes"] for row in rows[:2]] == [-25, 40]
        assert len({row["tx"].pk for row in rows}) == len(rows)
        assert response.context["standing"].balance == balances.balance(services.account_of(compagnon))

    def test_nobody_but_staff_sees_another_members_ledger(self, client, compagnon, apprenti, formateur):
        for who in (apprenti, UserFactory(compagnon=True), UserFactory(client=True)):
            client.force_login(who)
            assert client.get(reverse("ledger:staff_member", args=[compagnon.pk])).status_code == 403
            assert client.get(reverse("ledger:staff_overview")).status_code == 403
        client.force_login(formateur)
        assert client.get(reverse("ledger:staff_member", args=[compagnon.pk])).status_code == 200

    def test_only_the_helped_person_answers_a_pending_entry(self, client, compagnon, apprenti):
        tx = services.declare_help(compagnon, apprenti, kind="coaching", minutes=30, note="Aide")
        client.force_login(compagnon)
        assert client.post(reverse("ledger:answer", args=[tx.pk, "confirmer"])).status_code == 404
        tx.refresh_from_db()
        assert tx.state == "pending"


class TestAudit:
    def test_passes_on_a_sound_ledger_and_fails_clearly_on_a_broken_one(self, compagnon, formateur):
        services.adjust(compagnon, 30, by=formateur, reason="x")
        call_command("ledger_audit")

        Account.objects.filter(owner=compagnon).update(cached_balance=12345)
        with pytest.raises(CommandError):
            call_command("ledger_audit")
        call_command("ledger_audit", fix_cache=True)
        call_command("ledger_audit")

        tx = Transaction.objects.filter(kind="adjustment").first()
        Movement.objects.bulk_create([Movement(transaction=tx, account=services.commons(), minutes=7)])
        with pytest.raises(CommandError, match="fault"):
            call_command("ledger_audit")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent confirmations need PostgreSQL row locks")
def test_two_confirmations_at_the_same_moment_credit_the_mentor_exactly_once(formateur, compagnon, apprenti):
    mentorship = path_services.assign_mentor(apprenti, compagnon, by=formateur)
    session = path_services.log_session(
        mentorship, by=compagnon, on=timezone.localdate(), duration_minutes=60, mode="visio"
    )
    barrier = threading.Barrier(4)
    errors = []

    def confirm():
        try:
            barrier.wait()
            path_services.confirm_session(session, by=apprenti)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert Transaction.objects.filter(kind="mentoring").count() == 1
    mentor_account = Account.objects.get(owner=compagnon)
    credited = Movement.objects.filter(account=mentor_account, transaction__kind="mentoring").aggregate(
        s=Sum("minutes")
    )["s"]
    assert credited == 60
    call_command("ledger_audit")


def test_the_welcome_grant_is_received_from_the_association_not_given(client, settings):
    settings.LEDGER_WELCOME_MINUTES = 60
    member = UserFactory(compagnon=True)
    services.account_of(member)
    client.force_login(member)
    html = client.get(reverse("ledger:contributions")).content.decode()
    assert "Donné : 0 minutes" in html
    assert "Reçu de l'association à l'arrivée : 60 minutes" in html
    assert "— reçu de l'association" in html  # the entry itself
