from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.apprenticeship import services as path_services
from compagnons.apprenticeship.models import Enrollment
from compagnons.certification import services
from compagnons.certification.models import Decision, JurySession, Masterpiece, Route
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.credentials.models import IssuedCredential
from compagnons.skills.models import Certification
from tests.factories import UserFactory
from tests.factories.apprenticeship import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keys(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def certification():
    return Certification.objects.current()


@pytest.fixture
def aspirant(apprenti, compagnon, formateur, certification):
    today = timezone.localdate()
    cohort = CohortFactory(name="P", formateur=formateur, starts_on=today, funding="cpf", capacity=10)
    path_services.enroll(cohort, apprenti, by=formateur)
    path_services.assign_mentor(apprenti, compagnon, by=formateur)
    path_services.record_adoption_piece(apprenti, by=formateur, description="Adoption")
    return apprenti


@pytest.fixture
def ready(aspirant, compagnon, certification):
    masterpiece = services.declare_masterpiece(
        aspirant,
        certification=certification,
        title="Mon chef-d'œuvre",
        account="Je l'ai fait ainsi.",
        competences=certification.competences.all()[:3],
    )
    return services.confirm_ready(masterpiece, by=compagnon)


@pytest.fixture
def session(certification, formateur):
    return JurySession.objects.create(
        certification=certification, date=timezone.localdate(), place="Visio", organised_by=formateur
    )


def full_jury(session, formateur, n_external=2, n_internal=1):
    members = []
    for i in range(n_external):
        members.append(
            services.add_member(session, UserFactory(), by=formateur, is_external=True, profession=f"Pro {i}")
        )
    for _ in range(n_internal):
        members.append(
            services.add_member(
                session, UserFactory(compagnon=True), by=formateur, is_external=False, profession="Compagnon"
            )
        )
    for m in members:
        services.declare_no_conflict(m, by=m.user)
    return members


def evaluate_all(candidacy, members, blocks):
    for m in members:
        for b in blocks:
            services.evaluate(candidacy, b, by=m.user, criteria_met=[0], proposes_validation=True)


class TestMasterpiece:
    def test_only_an_aspirant_presents_and_the_mentor_confirms(
        self, apprenti, compagnon, formateur, certification, aspirant
    ):
        masterpiece = services.declare_masterpiece(
            aspirant,
            certification=certification,
            title="T",
            account="A",
            competences=certification.competences.all()[:1],
        )
        assert masterpiece.status == Masterpiece.Status.SUBMITTED
        with pytest.raises(PermissionRefused):
            services.confirm_ready(masterpiece, by=UserFactory(compagnon=True))
        services.confirm_ready(masterpiece, by=compagnon)

    def test_an_apprentice_not_yet_aspirant_cannot(self, apprenti, certification):
        with pytest.raises(InvalidTransition):
            services.declare_masterpiece(
                apprenti,
                certification=certification,
                title="T",
                account="A",
                competences=certification.competences.all()[:1],
            )

    def test_vae_needs_no_path(self, outsider, certification):
        dossier = services.declare_masterpiece(
            outsider,
            certification=certification,
            title="VAE",
            account="20 ans",
            route=Route.VAE,
            competences=certification.competences.all()[:2],
        )
        assert dossier.status == Masterpiece.Status.READY


class TestComposition:
    def test_the_candidates_mentor_is_refused_with_a_clear_message(self, session, ready, compagnon, formateur):
        services.add_candidate(session, ready, by=formateur)
        with pytest.raises(InvalidTransition) as refused:
            services.add_member(session, compagnon, by=formateur, is_external=False, profession="Graphiste")
        assert "compagnon" in str(refused.value)
        assert not session.members.exists()

    def test_nor_their_trainer(self, session, ready, formateur):
        services.add_candidate(session, ready, by=formateur)
        with pytest.raises(InvalidTransition):
            services.add_member(session, formateur, by=formateur, is_external=False, profession="Formatrice")

    def test_a_candidate_whose_mentor_sits_is_refused(self, session, ready, compagnon, formateur):
        services.add_member(session, compagnon, by=formateur, is_external=False, profession="Graphiste")
        with pytest.raises(InvalidTransition):
            services.add_candidate(session, ready, by=formateur)

    def test_at_least_three_half_external_and_declared(self, session, formateur):
        assert services.composition_problems(session)
        members = [
            services.add_member(session, UserFactory(), by=formateur, is_external=False, profession="X")
            for _ in range(2)
        ]
        members.append(services.add_member(session, UserFactory(), by=formateur, is_external=True, profession="Y"))
        problems = " ".join(services.composition_problems(session))
        assert "moitié" in problems and "conflit" in problems
        assert "3 membres n'ont pas encore déclaré" in problems
        services.add_member(session, UserFactory(), by=formateur, is_external=True, profession="Z")
        *first, last = session.members.all()
        for m in first:
            services.declare_no_conflict(m, by=m.user)
        assert "1 membre n'a pas encore déclaré" in " ".join(services.composition_problems(session))
        services.declare_no_conflict(last, by=last.user)
        assert services.composition_problems(session) == []

    def test_only_staff_compose(self, session, compagnon):
        with pytest.raises(PermissionRefused):
            services.add_member(session, UserFactory(), by=compagnon, is_external=True, profession="X")


class TestDecision:
    def test_full_validation_makes_a_compagnon_and_issues_credentials(
        self, session, ready, formateur, aspirant, certification
    ):
        candidacy = services.add_candidate(session, ready, by=formateur)
        members = full_jury(session, formateur)
        blocks = list(certification.blocks.all())
        with pytest.raises(InvalidTransition):
            services.decide(candidacy, {b.pk: (True, "") for b in blocks}, by=formateur)  # grids missing
        evaluate_all(candidacy, members, blocks)

        decision = services.decide(candidacy, {b.pk: (True, "") for b in blocks}, by=formateur)

        assert decision.outcome == Decision.Outcome.VALIDATED and decision.route == Route.PATH
        enrollment = Enrollment.objects.get(member=aspirant)
        assert enrollment.stage == "compagnon" and aspirant.role_grants.filter(role="compagnon").exists()
        issued = IssuedCredential.objects.filter(member=aspirant)
        assert issued.filter(achievement_type="Competency").count() == len(blocks)
        assert issued.filter(achievement_type="Certification").count() == 1

    def test_partial_validation_keeps_the_validated_blocks(self, session, ready, formateur, aspirant, certification):
        candidacy = services.add_candidate(session, ready, by=formateur)
        members = full_jury(session, formateur)
        blocks = list(certification.blocks.all())
        evaluate_all(candidacy, members, blocks)
        results = {b.pk: (i < 2, "" if i < 2 else "À retravailler") for i, b in enumerate(blocks)}
        with pytest.raises(InvalidTransition):
            services.decide(candidacy, {**results, blocks[-1].pk: (False, "")}, by=formateur)  # unmotivated refusal

        decision = services.decide(candidacy, results, by=formateur)

        assert decision.outcome == Decision.Outcome.PARTIAL
        assert services.validated_blocks(aspirant) == {blocks[0].pk, blocks[1].pk}
        assert Enrollment.objects.get(member=aspirant).stage == "aspirant"
        assert IssuedCredential.objects.filter(member=aspirant, achievement_type="Competency").count() == 2
        assert not IssuedCredential.objects.filter(member=aspirant, achievement_type="Certification").exists()

    def test_vae_decisions_record_their_route(self, session, formateur, outsider, certification):
        dossier = services.declare_masterpiece(
            outsider,
            certification=certification,
            title="VAE",
            account="20 ans",
            route=Route.VAE,
            competences=certification.competences.all()[:2],
        )
        candidacy = services.add_candidate(session, dossier, by=formateur)
        members = full_jury(session, formateur)
        blocks = list(certification.blocks.all())
        evaluate_all(candidacy, members, blocks)
        decision = services.decide(candidacy, {b.pk: (True, "") for b in blocks}, by=formateur)
        assert decision.route == Route.VAE
        assert outsider.role_grants.filter(role="compagnon").exists()

    def test_appeal_within_the_delay_once(self, session, ready, formateur, aspirant, certification, settings):
        candidacy = services.add_candidate(session, ready, by=formateur)
        members = full_jury(session, formateur)
        blocks = list(certification.blocks.all())
        evaluate_all(candidacy, members, blocks)
        decision = services.decide(candidacy, {b.pk: (False, "Insuffisant") for b in blocks}, by=formateur)
        with pytest.raises(PermissionRefused):
            services.appeal(decision, by=formateur, reason="x")
        services.appeal(decision, by=aspirant, reason="Un membre n'a pas lu mon dossier.")
        with pytest.raises(InvalidTransition):
            services.appeal(decision, by=aspirant, reason="Encore")
        Decision.objects.filter(pk=decision.pk).update(
            decided_at=timezone.now() - timedelta(days=settings.APPEAL_DAYS + 1)
        )


class TestPermissions:
    def test_grids_and_deliberations_only_for_that_jurys_members_and_staff(
        self, client, session, ready, formateur, certification
    ):
        candidacy = services.add_candidate(session, ready, by=formateur)
        members = full_jury(session, formateur)
        block = certification.blocks.first()
        grid = reverse("certification:grid", args=[candidacy.pk, block.pk])
        room = reverse("certification:jury", args=[session.pk])
        for outsider in (UserFactory(), UserFactory(compagnon=True), ready.candidate):
            client.force_login(outsider)
            assert client.get(grid).status_code == 404
            assert client.get(room).status_code == 404
            assert client.get(reverse("certification:minutes", args=[session.pk])).status_code == 404
        client.force_login(members[0].user)
        assert client.get(grid).status_code == 200
        client.force_login(formateur)
        assert client.get(room).status_code == 200

    def test_minutes_are_a_real_pdf(self, client, session, formateur):
        full_jury(session, formateur)
        client.force_login(formateur)
        response = client.get(reverse("certification:minutes", args=[session.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_minutes_go_through_core_pdf(client, session, formateur, monkeypatch):
    """The procès-verbal is rendered by core.pdf.render_pdf (links resolve against SITE_URL, not the request)."""
    from compagnons.certification import views

    calls = []
    monkeypatch.setattr(views, "render_pdf", lambda name, context: calls.append((name, context)) or b"%PDF-1.7")
    client.force_login(formateur)
    response = client.get(reverse("certification:minutes", args=[session.pk]))
    assert response.content == b"%PDF-1.7"
    assert calls[0][0] == "certification/minutes.html" and calls[0][1]["session"] == session


def test_a_refused_readiness_comes_back_with_the_message(client, ready, compagnon):
    """A service's refusal (core.exceptions.Refused) becomes the message and a redirect (core.refusals.refused)."""
    client.force_login(compagnon)
    response = client.post(
        reverse("certification:ready", args=[ready.pk]),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("certification:mine")
    assert "attend pas de confirmation" in response.content.decode()
