import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from compagnons.apprenticeship import progress, services
from compagnons.apprenticeship.models import Evidence, PlanGoal
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.skills import services as skills_services
from compagnons.skills.models import Assessment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_bomb_like() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("virus.exe", EXE)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


class TestPlan:
    def test_goals_from_the_positioning_with_steps_and_progress(self, mentorship, apprenti, compagnon, competences):
        positioning = skills_services.start_positioning(apprenti, by=apprenti)
        skills_services.save_self_assessment(
            positioning, {c.pk: (1 if i < 3 else 2, "") for i, c in enumerate(competences)}, by=apprenti
        )
        skills_services.submit_positioning(positioning, by=apprenti)

        goals = services.goals_from_positioning(apprenti, by=compagnon)
        assert [g.competence for g in goals] == competences[:3]
        step = services.add_step(goals[0], "Refaire mon pitch", by=apprenti)
        services.add_step(goals[0], "Le tester sur un client", by=compagnon)
        services.set_step_done(step, by=apprenti, done=True)

        assert progress.plan_progress(apprenti) == (1, 2)
        assert services.goals_from_positioning(apprenti, by=apprenti) == []

    def test_plan_needs_a_sent_positioning(self, apprenti):
        with pytest.raises(InvalidTransition):
            services.goals_from_positioning(apprenti, by=apprenti)

    def test_outsiders_and_other_mentors_cannot_edit(self, mentorship, apprenti, competences):
        for who in (UserFactory(), UserFactory(compagnon=True)):
            with pytest.raises(PermissionRefused):
                services.add_goal(apprenti, competences[0], by=who)
        assert not PlanGoal.objects.exists()

    def test_own_plan_page_within_15_queries_whatever_the_plan_holds(
        self, client, mentorship, apprenti, compagnon, competences, django_assert_max_num_queries
    ):
        """Issue 21: the apprentice's own plan reuses the signed-in member, and the progress comes from the steps
        the page shows (no count of its own): the same queries for a plan of one goal and of nine."""
        services.add_step(services.add_goal(apprenti, competences[0], by=compagnon), "Étape", by=compagnon)
        client.force_login(apprenti)
        url = reverse("apprenticeship:plan", args=[apprenti.pk])
        client.get(url)  # the charter's current version, cached from then on
        with django_assert_max_num_queries(15) as small:
            assert client.get(url).status_code == 200
        for competence in competences[1:9]:
            goal = services.add_goal(apprenti, competence, by=compagnon)
            for n in range(3):
                step = services.add_step(goal, f"Étape {n}", by=compagnon)
        services.set_step_done(step, by=compagnon, done=True)
        with django_assert_max_num_queries(15) as large:
            response = client.get(url)
        assert len(large.captured_queries) == len(small.captured_queries)
        assert (response.context["done"], response.context["total"]) == progress.plan_progress(apprenti) == (1, 25)

    def test_plan_page(self, client, mentorship, apprenti, compagnon, competences, django_assert_max_num_queries):
        for competence in competences[:6]:
            goal = services.add_goal(apprenti, competence, by=compagnon)
            services.add_step(goal, "Étape", by=compagnon)
        client.force_login(compagnon)
        with django_assert_max_num_queries(14):
            response = client.get(reverse("apprenticeship:plan", args=[apprenti.pk]))
        assert response.status_code == 200
        client.post(reverse("apprenticeship:plan_add_goal", args=[apprenti.pk]), {"competence": competences[7].pk})
        assert PlanGoal.objects.filter(competence=competences[7]).exists()

        client.force_login(UserFactory(compagnon=True))
        assert client.get(reverse("apprenticeship:plan", args=[apprenti.pk])).status_code == 404
        assert (
            client.post(
                reverse("apprenticeship:plan_add_goal", args=[apprenti.pk]), {"competence": competences[8].pk}
            ).status_code
            == 404
        )


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class TestEvidence:
    def post(self, client, **data):
        payload = {"title": "Mon travail", "kind": "file", "competences": [data.pop("competence")]}
        payload.update(data)
        return client.post(reverse("apprenticeship:evidence_list"), payload)

    @pytest.mark.parametrize(
        ("name", "content", "expected"),
        [
            ("devis.pdf", PDF, "application/pdf"),
            ("capture.png", PNG, "image/png"),
            ("cv.docx", docx(), "wordprocessingml"),
        ],
    )
    def test_accepted_files_are_typed_by_content(self, client, apprenti, competences, name, content, expected):
        client.force_login(apprenti)
        response = self.post(client, competence=competences[0].pk, file=upload(name, content))
        assert response.status_code == 302
        evidence = Evidence.objects.get()
        assert expected in evidence.content_type
        assert evidence.file_name == name

    @pytest.mark.parametrize(
        ("name", "content"),
        [("facture.pdf", EXE), ("photo.png", b"<html><script>alert(1)</script>"), ("archive.docx", zip_bomb_like())],
    )
    def test_wrong_types_even_renamed_are_refused(self, client, apprenti, competences, name, content):
        client.force_login(apprenti)
        response = self.post(client, competence=competences[0].pk, file=upload(name, content, "application/pdf"))
        assert response.status_code == 200
        assert "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()
        assert 'value="Mon travail"' in response.content.decode()
        assert not Evidence.objects.exists()

    @override_settings(EVIDENCE_MAX_BYTES=1024)
    def test_too_large_is_refused(self, client, apprenti, competences):
        client.force_login(apprenti)
        response = self.post(client, competence=competences[0].pk, file=upload("gros.pdf", PDF + b"0" * 2048))
        assert "Le fichier dépasse" in response.content.decode()
        assert not Evidence.objects.exists()

    def test_a_link_or_a_text_needs_its_content(self, client, apprenti, competences):
        client.force_login(apprenti)
        response = self.post(client, competence=competences[0].pk, kind="link")
        assert "Indiquez le lien." in response.content.decode()
        assert not Evidence.objects.exists()

    def test_the_mentor_validates_and_the_level_and_carnet_follow(
        self, client, mentorship, apprenti, compagnon, competences
    ):
        evidence = services.add_evidence(
            apprenti, by=apprenti, title="Pitch", kind="text", text="…", competences=competences[:2]
        )
        client.force_login(compagnon)
        response = client.post(
            reverse("apprenticeship:evidence", args=[evidence.pk]), {"decision": "validate", "level": "3"}
        )
        assert response.status_code == 302

        evidence.refresh_from_db()
        assert evidence.status == Evidence.Status.VALIDATED
        assessments = Assessment.objects.filter(source="evidence", evidence_id=evidence.pk)
        assert {a.competence for a in assessments} == set(competences[:2])
        assert {a.level for a in assessments} == {3}
        levels = skills_services.current_levels(apprenti, competences[0].certification)
        assert levels[competences[0].pk].status == "confirmed"

        client.force_login(apprenti)
        carnet = client.get(reverse("apprenticeship:carnet", args=[apprenti.pk])).content.decode()
        assert competences[0].code in carnet and "Pitch" in carnet

    def test_changes_requested_need_a_comment_then_resubmission(
        self, client, mentorship, apprenti, compagnon, competences
    ):
        evidence = services.add_evidence(
            apprenti, by=apprenti, title="Devis", kind="text", text="…", competences=competences[:1]
        )
        with pytest.raises(InvalidTransition):
            services.review_evidence(evidence, by=compagnon, validate=False)
        services.review_evidence(evidence, by=compagnon, validate=False, comment="Ajoutez les mentions légales.")
        services.resubmit_evidence(evidence, by=apprenti)
        evidence.refresh_from_db()
        assert evidence.status == Evidence.Status.SUBMITTED
        assert not Assessment.objects.exists()

    def test_another_mentor_and_outsiders_see_nothing(self, client, mentorship, apprenti, competences):
        evidence = services.add_evidence(
            apprenti,
            by=apprenti,
            title="Secret",
            kind="file",
            competences=competences[:1],
            upload=upload("devis.pdf", PDF),
            content_type="application/pdf",
        )
        other_mentor = UserFactory(compagnon=True)
        with pytest.raises(PermissionRefused):
            services.review_evidence(evidence, by=other_mentor, validate=True)
        for who in (other_mentor, UserFactory()):
            client.force_login(who)
            assert client.get(reverse("apprenticeship:evidence", args=[evidence.pk])).status_code == 404
            assert client.get(reverse("apprenticeship:evidence_file", args=[evidence.pk])).status_code == 404
            assert client.get(reverse("apprenticeship:carnet", args=[apprenti.pk])).status_code == 404

    def test_the_file_is_served_privately_to_the_apprentice_and_mentor(
        self, client, mentorship, apprenti, compagnon, competences
    ):
        evidence = services.add_evidence(
            apprenti,
            by=apprenti,
            title="Devis",
            kind="file",
            competences=competences[:1],
            upload=upload("devis.pdf", PDF),
            content_type="application/pdf",
        )
        assert "/media/" not in evidence.file.path
        for who in (apprenti, compagnon):
            client.force_login(who)
            response = client.get(reverse("apprenticeship:evidence_file", args=[evidence.pk]))
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Disposition"].startswith("attachment")

    def test_only_apprentices_deposit(self, client, client_user):
        client.force_login(client_user)
        assert client.get(reverse("apprenticeship:evidence_list")).status_code == 404
