import csv
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.apprenticeship import services as path
from compagnons.core.files import BuiltFile
from compagnons.quality import exports, links, services, tasks
from compagnons.quality.models import AuditExport, ImprovementAction
from tests.quality.conftest import log_session, make_survey

pytestmark = pytest.mark.django_db


def _rows(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _download(client, export: AuditExport) -> zipfile.ZipFile:
    response = client.get(reverse("quality:export_file", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_apprentice_dossier_holds_every_piece(
    client, formateur, apprenti, mentorship, enrolled, competences_plan, django_capture_on_commit_callbacks
):
    log_session(mentorship, 12, 75)
    log_session(mentorship, 4, 30, confirm=False)
    survey = make_survey(apprenti, enrolled)
    services.answer_survey(survey, {"satisfaction": 4, "liked": "Le binôme avec Jean-Pierre."}, by=apprenti)
    client.force_login(formateur)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("quality:exports"), {"apprentice": "1", "email": apprenti.email.upper()})

    export = AuditExport.objects.get()
    assert response["Location"] == reverse("quality:export", args=[export.pk])
    assert (export.kind, export.apprentice, export.status, export.progress) == ("apprentice", apprenti, "ready", 100)
    archive = _download(client, export)
    assert set(archive.namelist()) == {
        "LISEZ-MOI.txt",
        "emargement.pdf",
        "seances.csv",
        "positionnement.csv",
        "plan.csv",
        "evaluations.csv",
        "decisions.csv",
        "satisfaction.csv",
    }
    assert archive.read("emargement.pdf").startswith(b"%PDF")
    sessions = _rows(archive, "seances.csv")
    assert len(sessions) == 2 and sessions[1][1] == "75"  # the confirmed one only
    satisfaction = _rows(archive, "satisfaction.csv")
    assert satisfaction[1][5] == "4" and satisfaction[1][9] == "Le binôme avec Jean-Pierre."
    plan = _rows(archive, "plan.csv")
    assert any(row[2] == "Faire un premier devis" for row in plan[1:])


@pytest.fixture
def competences_plan(apprenti, formateur):
    from compagnons.skills.models import Certification

    competence = Certification.objects.current().competences.first()
    goal = path.add_goal(apprenti, competence, by=formateur)
    path.add_step(goal, "Faire un premier devis", by=formateur)
    return goal


def test_the_association_dossier_holds_the_registers(client, formateur, django_capture_on_commit_callbacks):
    complaint = services.file_complaint(by=None, subject="Un retard", body="…", name="A", email="a@exemple.test")
    services.save_action(
        ImprovementAction(
            title="Relancer plus tôt",
            cause="complaint",
            complaint=complaint,
            description="…",
            owner=formateur,
            due_on=complaint.due_on,
        ),
        by=formateur,
    )
    client.force_login(formateur)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("quality:exports"), {"association": "1"})

    export = AuditExport.objects.get()
    archive = _download(client, export)
    names = set(archive.namelist())
    assert {
        "LISEZ-MOI.txt",
        "satisfaction.csv",
        "reclamations.csv",
        "amelioration.csv",
        "heures-par-promotion.csv",
    } <= (names)
    # The outcome indicators come from the outcomes app.
    assert {"indicateurs/indicateurs.csv", "indicateurs/indicateurs.xlsx"} <= names
    complaints = _rows(archive, "reclamations.csv")
    assert complaints[1][0] == complaint.number
    actions = _rows(archive, "amelioration.csv")
    assert actions[1][1] == "Relancer plus tôt" and actions[1][3] == complaint.number


def test_an_unknown_address_is_refused_with_the_input_kept(client, formateur, outsider):
    client.force_login(formateur)

    response = client.post(reverse("quality:exports"), {"apprentice": "1", "email": outsider.email})

    assert response.status_code == 200
    assert outsider.email in response.text
    assert not AuditExport.objects.exists()


def test_a_dossier_on_its_way_is_reused_and_the_page_polls(client, formateur):
    first = services.request_export(by=formateur)  # no on_commit here: stays pending
    assert services.request_export(by=formateur) == first
    client.force_login(formateur)

    response = client.get(reverse("quality:export", args=[first.pk]))

    assert 'hx-trigger="every 2s"' in response.text
    assert "Actualiser" in response.text
    assert client.get(reverse("quality:export_file", args=[first.pk])).status_code == 404


def test_dossiers_are_for_staff_only(
    client, formateur, apprenti, outsider, enrolled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(by=formateur, apprentice=apprenti)
    urls = [
        reverse("quality:exports"),
        reverse("quality:export", args=[export.pk]),
        reverse("quality:export_file", args=[export.pk]),
    ]
    for url in urls:
        assert reverse("account_login") in client.get(url)["Location"]
    for who in (apprenti, outsider):
        client.force_login(who)
        for url in urls:
            assert client.get(url).status_code == 403
        assert client.post(reverse("quality:export_apprentice", args=[apprenti.pk])).status_code == 403
    assert AuditExport.objects.count() == 1


@pytest.mark.parametrize("rows", [1, 6])
def test_the_dossier_pages_run_a_bounded_number_of_queries(
    client, formateur, apprenti, enrolled, rows, django_assert_max_num_queries
):
    exports = [AuditExport.objects.create(kind="apprentice", apprentice=apprenti, requested_by=formateur)]
    exports += [AuditExport.objects.create(kind="association", requested_by=formateur) for _ in range(rows)]
    client.force_login(formateur)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("quality:exports")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("quality:export", args=[exports[0].pk])).status_code == 200


def test_the_staff_overview_and_satisfaction_pages(
    client, formateur, outsider, apprenti, enrolled, django_assert_max_num_queries
):
    survey = make_survey(apprenti, enrolled)
    services.answer_survey(survey, {"satisfaction": 2}, by=apprenti)
    for name in ("quality:home", "quality:satisfaction"):
        assert reverse("account_login") in client.get(reverse(name))["Location"]
        client.force_login(outsider)
        assert client.get(reverse(name)).status_code == 403
        client.force_login(formateur)
        with django_assert_max_num_queries(12):
            response = client.get(reverse(name))
        assert "Promotion qualité" in response.text
        assert "0 % (0 sur 1)" in response.text
        client.logout()


def test_every_page_renders_without_unknown_template_variables(
    client, formateur, apprenti, mentorship, enrolled, django_capture_on_commit_callbacks
):
    log_session(mentorship, 5)
    survey = make_survey(apprenti, enrolled)
    complaint = services.file_complaint(by=apprenti, subject="Objet", body="…")
    services.answer_complaint(complaint, "Réponse.", by=formateur)
    action = services.save_action(
        ImprovementAction(
            title="A", cause="complaint", complaint=complaint, description="…", owner=formateur, due_on=complaint.due_on
        ),
        by=formateur,
    )
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(by=formateur, apprentice=apprenti)
    pages = {
        apprenti: [
            reverse("accounts:dashboard"),
            reverse("quality:survey", args=[survey.pk]),
            reverse("quality:my_complaints"),
            reverse("quality:complaint_new"),
            reverse("quality:attendance", args=[apprenti.pk]),
        ],
        formateur: [
            reverse("accounts:dashboard"),
            reverse("quality:home"),
            reverse("quality:satisfaction"),
            reverse("quality:hours"),
            reverse("quality:complaints"),
            reverse("quality:complaint", args=[complaint.pk]),
            reverse("quality:actions"),
            reverse("quality:action_new"),
            reverse("quality:action_edit", args=[action.pk]),
            reverse("quality:exports"),
            reverse("quality:export", args=[export.pk]),
            reverse("quality:attendance", args=[apprenti.pk]),
        ],
    }
    for who, urls in pages.items():
        client.force_login(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "INVALID_TEMPLATE_VARIABLE" not in response.text, url
    client.logout()
    response = client.get(reverse("quality:survey_link", args=[survey.pk, links.survey_token(survey)]))
    assert "INVALID_TEMPLATE_VARIABLE" not in response.text


def test_a_dossier_is_a_built_file_kept_in_the_quality_folder(client, formateur, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(by=formateur)
    export.refresh_from_db()
    assert isinstance(export, BuiltFile) and export.ready
    assert export.file.name.startswith("quality/dossier-audit-association-")
    client.force_login(formateur)

    page = client.get(reverse("quality:export", args=[export.pk])).text

    assert "Télécharger le dossier (ZIP)" in page
    assert reverse("quality:export_file", args=[export.pk]) in page
    assert f"Prêt depuis le {timezone.localtime(export.finished_at):%d/%m/%Y %H:%M}." in page
    assert "every 2s" not in page
    assert "— Prêt" in client.get(reverse("quality:exports")).text  # the list keeps its word for a dossier


def test_a_dossier_that_failed_says_so_and_offers_no_file(client, formateur, monkeypatch):
    export = services.request_export(by=formateur)  # no on_commit here: stays pending

    def broken(progress):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(exports, "association_files", broken)
    with pytest.raises(RuntimeError):
        tasks.build_audit_export.call(export.pk)
    export.refresh_from_db()
    assert (export.status, export.progress, bool(export.file)) == (AuditExport.Status.FAILED, 0, False)
    client.force_login(formateur)

    assert "La fabrication a échoué" in client.get(reverse("quality:export", args=[export.pk])).text
    assert client.get(reverse("quality:export_file", args=[export.pk])).status_code == 404


def test_the_outcomes_dashboard_shows_the_quality_section_it_collects(client, formateur):
    services.file_complaint(by=None, subject="Un retard", body="…", name="A", email="a@exemple.test")
    client.force_login(formateur)

    page = client.get(reverse("outcomes:dashboard")).text

    assert 'id="titre-qualite"' in page
    assert "1 réclamation ouverte" in page
