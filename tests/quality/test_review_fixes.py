"""Rules added after review: erasure takes the person's dossiers, CSV cells never run as formulas, dates are French
time, an erased person's link no longer answers, downloads of personal files are audit-logged."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from compagnons.accounts import services as accounts
from compagnons.core.exceptions import InvalidTransition
from compagnons.core.models import AuditLog
from compagnons.core.spreadsheets import safe_cell
from compagnons.quality import exports, notifications, services, tasks
from compagnons.quality.models import AuditExport
from tests.quality.conftest import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_erasure_deletes_the_persons_audit_dossiers(enrolled, apprenti, formateur):
    export = services.request_export(by=formateur, apprentice=apprenti)
    tasks.build_audit_export.call(export.pk)
    export.refresh_from_db()
    path = export.file.path
    assert export.status == AuditExport.Status.READY

    accounts.erase_account(apprenti, by=apprenti)

    assert not AuditExport.objects.filter(apprentice=apprenti).exists()
    import os

    assert not os.path.exists(path)


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_typed_text_never_becomes_a_formula(typed):
    assert safe_cell(typed) == "'" + typed
    assert safe_cell("Bonjour") == "Bonjour"
    assert safe_cell(12) == 12
    assert exports.csv_bytes(["objet"], [[typed]]).decode("utf-8-sig").splitlines()[1].startswith(("\"'", "'"))


def test_dates_are_written_in_french_time():
    late_evening_utc = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)  # 00:30 on the 15th in Paris
    assert exports._d(late_evening_utc) == "15/03/2026"


def test_an_erased_persons_survey_link_no_longer_answers(enrolled, apprenti):
    survey = make_survey(apprenti, enrolled)
    accounts.erase_account(apprenti, by=apprenti)
    with pytest.raises(InvalidTransition):
        services.answer_survey(survey, {"satisfaction": 4}, by=None)


def test_downloading_an_attendance_sheet_is_audit_logged(client, enrolled, apprenti):
    client.force_login(apprenti)
    response = client.get(reverse("quality:attendance_pdf", args=[apprenti.pk]))
    assert response.status_code == 200
    assert AuditLog.objects.filter(action="quality.attendance_downloaded", actor=apprenti).exists()


def test_an_acknowledgement_that_failed_is_not_recorded_as_sent(monkeypatch):
    from compagnons.quality.models import Complaint

    def fail(*args, **kwargs):
        raise OSError("SMTP indisponible")

    complaint = services.file_complaint(by=None, subject="Objet", body="Texte", name="Visiteur", email="v@exemple.test")
    monkeypatch.setattr(notifications, "send_mail", fail)
    with pytest.raises(OSError):
        notifications.send_complaint_acknowledgement.call(complaint.pk)
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is None
    monkeypatch.undo()
    assert notifications.send_complaint_acknowledgement.call(complaint.pk) is True  # the retry sends it
    complaint.refresh_from_db()
    assert complaint.acknowledged_at is not None
    assert Complaint.objects.count() == 1
