"""After an account deletion, the person's e-mail and name remain nowhere but in the records docs/privacy.md lists.

The search covers every table of the database, the stored files (media, mail outbox) and the task queue.
"""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.tasks import task
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from compagnons.accounts import services
from compagnons.accounts.models import User
from compagnons.apprenticeship import services as path_services
from compagnons.core import audit
from compagnons.missions import services as missions_services
from compagnons.skills import services as skills_services
from compagnons.skills.models import Certification, Reflection
from compagnons.skills.referentiel import import_referentiel
from tests.factories import PASSWORD, UserFactory

SHIPPED_REFERENTIEL = Path(__file__).resolve().parents[2] / "compagnons/skills/data/referentiel-teletravail-v1.json"
FIRST, LAST, EMAIL = "Gwendoline", "Kerbrat-Lemoigne", "gwendoline.kerbrat@exemple.test"


@task
def notify_member(user_id: int) -> None:
    """Tasks take ids, never personal data: this one is only enqueued, for the queue scan."""


def every_text_value_in_the_database() -> list[tuple[str, str]]:
    """(table, value) for every textual column of every row of every table Django knows."""
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields]
            cursor.execute(f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {table}")
            for row in cursor.fetchall():
                found.extend((table, str(value)) for value in row if value is not None)
    return found


def traces_of(values, *needles):
    return [(table, value[:80]) for table, value in values if any(n.lower() in value.lower() for n in needles)]


@pytest.fixture
def person(db, formateur, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    if Certification.objects.current() is None:  # a transactional test before this one emptied the migrations' rows
        import_referentiel(json.loads(SHIPPED_REFERENTIEL.read_text(encoding="utf-8")), activate=True)
    user = UserFactory(first_name=FIRST, last_name=LAST, email=EMAIL, apprentice=True, trade="Traduction")
    services.register_member(user, intents=["transmit"])
    services.grant_role(user, "client", by=formateur)
    services.update_profile(user, changed=["trade"])
    audit.log(formateur, "mentoring.noted", user, note=f"Séance avec {FIRST} {LAST}")
    # Data higher apps hold (registered with accounts.services.register_personal_data).
    Reflection.objects.create(member=user, values=f"Moi, {FIRST} {LAST}, je tiens à l'autonomie")
    positioning = skills_services.start_positioning(user, by=user)
    competence = positioning.certification.competences.first()
    skills_services.save_self_assessment(positioning, {competence.pk: (2, f"{FIRST} l'a déjà fait")}, by=user)
    path_services.add_evidence(
        user,
        by=user,
        title=f"CV de {FIRST} {LAST}",
        kind="file",
        competences=[competence],
        upload=SimpleUploadedFile(f"cv-{LAST}.pdf", f"%PDF-1.4 {FIRST} {LAST} {EMAIL}".encode()),
        content_type="application/pdf",
    )
    missions_services.submit_lead(
        user, contact=f"Le voisin de {FIRST} {LAST}", need="Un site vitrine", client_consents=True
    )
    return user


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_deleted_account_leaves_no_name_or_email_anywhere(client, person, formateur, tmp_path):
    mail_dir = tmp_path / "mail"
    with override_settings(
        MAILERS={
            "default": {
                "BACKEND": "compagnons.core.mail.DevelopmentEmailBackend",
                "OPTIONS": {"file_path": str(mail_dir)},
            }
        },
        MEDIA_ROOT=str(tmp_path / "media"),
    ):
        notify_member.enqueue(person.pk)
        assert DBTaskResult.objects.count() == 1, "the queue is a table the scan covers"
        client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
        exported = client.post(reverse("accounts:export")).json()
        assert exported["skills"]["reflection"]["values"].startswith("Moi")
        assert exported["skills"]["assessments"][0]["level"] == 2
        assert traces_of(every_text_value_in_the_database(), EMAIL, LAST), "the test must see the data first"
        assert any(LAST.encode() in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()), "and the files"

        response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    remaining = traces_of(every_text_value_in_the_database(), EMAIL, FIRST, LAST)
    assert remaining == []
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not [p for p in files if any(n.encode() in p.read_bytes() for n in (EMAIL, LAST))]

    person.refresh_from_db()
    assert person.erased_at is not None
    assert not person.is_active
    assert not person.has_usable_password()
    assert person.display_name == "Compte supprimé"
    assert "_auth_user_id" not in client.session
    # The records others depend on are still there, anonymised.
    assert person.role_grants.count() == 2
    assert audit_entries_about(person) >= 3
    assert not Reflection.objects.filter(member=person).exists()
    assert person.assessments.count() == 1, "levels stay as anonymous evidence"


def audit_entries_about(user):
    from compagnons.core.models import AuditLog

    return AuditLog.objects.involving_user(user).count()


@pytest.mark.django_db
def test_deletion_needs_the_password_and_the_confirmation(client, apprenti):
    client.force_login(apprenti)

    response = client.post(reverse("accounts:delete"), {"password": "pas le bon", "confirm": "on"})

    assert response.status_code == 200
    assert "Ce mot de passe n&#x27;est pas le bon." in response.content.decode()
    apprenti.refresh_from_db()
    assert apprenti.is_active and apprenti.erased_at is None


@pytest.mark.django_db
def test_an_erased_member_cannot_log_in_again(client, apprenti):
    services.erase_account(apprenti, by=apprenti)

    client.post(reverse("account_login"), {"login": apprenti.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_outsiders_cannot_erase_someone_else(apprenti, outsider):
    with pytest.raises(PermissionError):
        services.erase_account(apprenti, by=outsider)
    assert User.objects.get(pk=apprenti.pk).erased_at is None


@pytest.mark.django_db
def test_erasing_twice_does_nothing_twice(apprenti):
    services.erase_account(apprenti, by=apprenti)
    again = services.erase_account(apprenti, by=apprenti)
    assert again.erased_at is not None


@pytest.mark.django_db
def test_delete_page_refuses_visitors(client):
    assert client.get(reverse("accounts:delete")).status_code == 302
