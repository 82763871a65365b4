"""A jury's validated bloc makes its compétences known everywhere (skills' level rule, missions matching, the
directory, the mini-site, the brochure); a withdrawn bloc takes them back; the backfill writes the same rows."""

import io

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from compagnons.certification import services
from compagnons.certification.models import BlockDecision
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.credentials.models import IssuedCredential
from compagnons.missions.matching import recommend
from compagnons.missions.records import how_known
from compagnons.showcase import brochure as brochures
from compagnons.showcase import directory
from compagnons.showcase import services as showcase
from compagnons.showcase.tasks import build_brochure
from compagnons.skills import services as skills
from compagnons.skills.models import Assessment, Certification
from tests.factories import UserFactory, judge_by_jury

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def c54():
    return Certification.objects.current().competences.get(code="C5.4")


@pytest.fixture
def holder(db):
    """A professional received by VAE, with a published mini-site."""
    member = UserFactory(first_name="Jean-Pierre", last_name="Candidat")
    profile = showcase.profile_of(member)
    profile.headline = "Graphiste pour les associations"
    profile.save()
    showcase.add_service(profile, by=member, title="Logo", price_cents=90000, unit="fixed", hours=24)
    member.refresh_from_db()
    return member


def publish_page(member):
    return showcase.publish(showcase.profile_of(member), by=member)


def is_known(member, competence) -> bool:
    return competence.pk in how_known([member.pk]).get(member.pk, {})


class TestAValidatedBlocCountsEverywhere:
    def test_jury_then_missions_directory_mini_site_and_brochure(
        self,
        client,
        formateur,
        holder,
        c54,
        published,
    ):
        mission = published(title="Refaire la charte graphique", picked=[c54])
        page = publish_page(holder)
        assert not is_known(holder, c54)
        assert [m.mission for m in recommend(holder)] == []

        decision = judge_by_jury(holder, by=formateur, validated=[c54.block])

        # skills: the level rule says « acquis », confirmed, through the jury, the bloc as evidence.
        current = skills.current_levels(holder, c54.certification)[c54.pk]
        assert (current.level, current.status) == (2, "confirmed")
        row = Assessment.objects.get(member=holder, competence=c54)
        assert row.source == "jury" and row.evidence == decision.blocks.get(block=c54.block)
        # (1) missions matching recommends the mission that needs it, and says how it is known.
        matches = recommend(holder)
        assert [m.mission for m in matches] == [mission]
        assert "C5.4 — certifiée par le jury" in matches[0].reasons
        # (2) the directory, filtered by the compétence « certifiée ou attestée », finds them (service and page).
        assert [p.member for p in directory.ranked(competence=c54)] == [holder]
        html = client.get(reverse("showcase:directory"), {"competence": c54.pk}).content.decode()
        assert holder.display_name in html and "Personne ne correspond" not in html
        # (3) the mini-site shows it.
        html = client.get(reverse("showcase:public", args=[page.slug])).content.decode()
        recognised = html[html.index("Reconnues par le jury") :]
        assert c54.label in recognised and "certifiée par le jury" in recognised
        # One line per bloc (its compétences folded under it), not one per compétence.
        count = c54.block.competences.count()
        assert f"<strong>{c54.block.label}</strong>" in recognised
        assert f"{count} compétences" in recognised and recognised.count("<summary>") == 1
        # (4) the brochure: its context and the PDF itself.
        assert "C5.4" in [c["competence__code"] for c in brochures.context(page)["competences"]]
        brochure = showcase.request_brochure(page, by=holder)
        build_brochure.call(brochure.pk)
        client.force_login(holder)
        pdf = b"".join(client.get(reverse("showcase:brochure_file")).streaming_content)
        from pypdf import PdfReader

        assert "C5.4" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)

    def test_a_bloc_not_validated_records_nothing(self, formateur, holder, c54):
        judge_by_jury(holder, by=formateur, validated=[])
        assert not Assessment.objects.filter(member=holder).exists()

    def test_a_new_decision_changes_the_cached_directory_and_the_brochure_fingerprint(self, formateur, holder, c54):
        page = publish_page(holder)
        assert directory.ranked_ids(competence=c54) == []
        before = brochures.fingerprint(page)
        judge_by_jury(holder, by=formateur, validated=[c54.block])
        assert directory.ranked_ids(competence=c54) == [page.pk]
        assert brochures.fingerprint(page) != before


class TestAWithdrawnBlocTakesThemBack:
    def test_on_appeal_the_bloc_is_withdrawn_by_the_level_rule_nothing_deleted(
        self,
        client,
        formateur,
        holder,
        c54,
        published,
    ):
        published(title="Refaire la charte graphique", picked=[c54])
        page = publish_page(holder)
        decision = judge_by_jury(holder, by=formateur, validated=[c54.block])
        kept = decision.blocks.get(block=c54.block)
        bloc_credential = IssuedCredential.objects.get(member=holder, achievement_type="Competency")
        rows_before = Assessment.objects.filter(member=holder).count()
        assert is_known(holder, c54) and [p.member for p in directory.ranked(competence=c54)] == [holder]
        case = services.appeal(decision, by=holder, reason="Je conteste un autre point.")

        # Through the decision page: staff — not the one who recorded the decision: the jury speaks as one — answer
        # and tick the bloc to withdraw.
        answering = UserFactory(formateur=True)
        client.force_login(answering)
        response = client.post(
            reverse("certification:decision", args=[decision.pk]),
            {"text": "Le dossier contenait le travail d'un tiers.", "withdraw": [kept.pk]},
        )
        assert response.status_code == 302

        kept.refresh_from_db()
        case.refresh_from_db()
        assert case.status == "answered" and kept.withdrawn_at and kept.withdrawn_by == answering
        assert kept.withdrawn_reason == "Le dossier contenait le travail d'un tiers."
        # Nothing deleted: one later jury judgement « non acquis » per compétence of the bloc.
        assert Assessment.objects.filter(member=holder).count() == rows_before + kept.block.competences.count()
        current = skills.current_levels(holder, c54.certification)[c54.pk]
        assert (current.level, current.status) == (0, "confirmed")
        assert not is_known(holder, c54)
        assert recommend(holder) == []
        assert list(directory.ranked(competence=c54)) == []
        assert directory.ranked_ids(competence=c54) == []
        assert "C5.4" not in [c["competence__code"] for c in brochures.context(page)["competences"]]
        assert c54.label not in client.get(reverse("showcase:public", args=[page.slug])).content.decode()
        bloc_credential.refresh_from_db()
        assert bloc_credential.revoked_at is not None
        assert services.validated_blocks(holder) == set()
        assert AuditLog.objects.filter(action="jury.block_withdrawn").count() == 1

        html = client.get(reverse("certification:decision", args=[decision.pk])).content.decode()
        assert "retiré le" in html

    def test_a_later_jury_may_validate_it_again(self, formateur, holder, c54):
        decision = judge_by_jury(holder, by=formateur, validated=[c54.block])
        services.withdraw_block(decision.blocks.get(block=c54.block), by=formateur, reason="Erreur de saisie.")
        assert not is_known(holder, c54)
        judge_by_jury(holder, by=formateur, validated=[c54.block])
        assert is_known(holder, c54)

    def test_the_title_credential_goes_with_a_withdrawn_bloc(self, formateur, holder, c54):
        decision = judge_by_jury(holder, by=formateur)
        services.withdraw_block(decision.blocks.get(block=c54.block), by=formateur, reason="Fraude constatée.")
        revoked = IssuedCredential.objects.filter(member=holder, revoked_at__isnull=False)
        assert sorted(revoked.values_list("achievement_type", flat=True)) == ["Certification", "Competency"]
        others = Certification.objects.current().competences.exclude(block=c54.block).first()
        assert is_known(holder, others)  # the other blocs stand

    def test_refusals_are_clear_and_write_nothing(self, formateur, holder, c54):
        decision = judge_by_jury(holder, by=formateur, validated=[c54.block])
        refused = decision.blocks.exclude(block=c54.block).first()
        kept = decision.blocks.get(block=c54.block)
        rows = Assessment.objects.count()
        with pytest.raises(PermissionRefused):
            services.withdraw_block(kept, by=holder, reason="x")
        with pytest.raises(InvalidTransition, match="motif"):
            services.withdraw_block(kept, by=formateur, reason="  ")
        with pytest.raises(InvalidTransition, match="Seul un bloc validé"):
            services.withdraw_block(refused, by=formateur, reason="x")
        services.withdraw_block(kept, by=formateur, reason="Erreur.")
        with pytest.raises(InvalidTransition, match="déjà retiré"):
            services.withdraw_block(kept, by=formateur, reason="Encore.")
        assert Assessment.objects.count() == rows + kept.block.competences.count()

    def test_an_appeal_answer_withdraws_only_blocs_of_its_decision(self, formateur, holder, c54):
        first = judge_by_jury(holder, by=formateur, validated=[c54.block])
        other = UserFactory()
        foreign = judge_by_jury(other, by=formateur, validated=[c54.block]).blocks.get(block=c54.block)
        case = services.appeal(first, by=holder, reason="Motif.")
        with pytest.raises(InvalidTransition, match="n'appartient pas"):
            services.answer_appeal(case, by=formateur, answer="Non.", withdraw=[foreign])
        foreign.refresh_from_db()
        assert foreign.withdrawn_at is None


class TestBackfill:
    def test_the_migration_writes_the_rows_the_service_writes_once(self, formateur, holder, c54, monkeypatch):
        backfill = __import__(
            "compagnons.certification.migrations.0003_jury_assessments_backfill", fromlist=["backfill_jury_assessments"]
        ).backfill_jury_assessments
        fields = ("member_id", "competence_id", "level", "source", "assessor_id", "comment", "evidence_type_id")
        # A decision made by the service today, for reference.
        reference = UserFactory()
        judge_by_jury(reference, by=formateur, validated=[c54.block])
        expected = sorted(
            Assessment.objects.filter(member=reference).values_list(*fields[1:]),
        )
        # A decision made before the fix: the jury's compétences were not recorded.
        monkeypatch.setattr(services, "_certify_competences", lambda block_decision, *, by: None)
        old = judge_by_jury(holder, by=formateur, validated=[c54.block])
        monkeypatch.undo()
        assert not Assessment.objects.filter(member=holder).exists()

        backfill(django_apps, None)
        backfill(django_apps, None)  # idempotent

        rows = Assessment.objects.filter(member=holder)
        assert sorted(rows.values_list(*fields[1:])) == expected
        block_decision = BlockDecision.objects.get(decision=old, block=c54.block)
        assert set(rows.values_list("evidence_id", flat=True)) == {block_decision.pk}
        assert {r.assessed_at for r in rows} == {old.decided_at}
        assert is_known(holder, c54)
        assert AuditLog.objects.filter(action="skills.assessed", target_id=str(holder.pk)).count() == rows.count()
