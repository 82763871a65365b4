"""One issuer, read from one place (`services.issuer_id()`, fed by CREDENTIALS_ISSUER_URL, else SITE_URL), and a demo
seeded under one port that still verifies when served on another (`make run PORT=…`)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from compagnons.core.exceptions import PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.credentials import ob3, services, verification
from compagnons.credentials.models import IssuedCredential
from compagnons.showcase import brochure as brochures
from compagnons.showcase.models import Brochure, Profile

pytestmark = pytest.mark.django_db

PORT_A, PORT_B = "http://127.0.0.1:8801", "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.CREDENTIALS_ISSUER_URL = ""


def _issue(member, key: str) -> IssuedCredential:
    return services.issue(
        member=member,
        achievement_type="Competency",
        achievement_key=key,
        name=f"{key} — Se présenter",
        description="Mise en situation",
        criteria="Pitch",
        alignments=[{"name": "C1.1 — Pitch", "code": "C1.1", "url": "", "framework": "Compagnons"}],
        evidence=member,
        evidence_url=f"{services.url('credentials:mine')}",
        evidence_name="Décision",
    )


def _verdict_in_page(client, document: dict) -> str:
    return client.post(reverse("credentials:check"), {"document": json.dumps(document)}).content.decode()


def test_the_issuer_follows_site_url_unless_credentials_issuer_url_is_set(settings, compagnon):
    settings.SITE_URL = PORT_A
    assert services.issuer_id() == "did:web:127.0.0.1%3A8801"
    assert services.legacy_issuer_id() == f"{PORT_A}/verifier/emetteur"
    settings.CREDENTIALS_ISSUER_URL = "https://titres.exemple.org"
    credential = _issue(compagnon, "test/BC01")
    document = credential.document
    assert document["issuer"]["id"] == "did:web:titres.exemple.org"
    assert document["proof"][0]["verificationMethod"].startswith("did:web:titres.exemple.org#")
    assert services.did_document()["id"] == document["issuer"]["id"]
    assert services.issuer_profile()["id"] == "https://titres.exemple.org/verifier/emetteur"
    # the credential's page and its status list stay on the site
    assert document["id"] == services.page_url(credential) == f"{PORT_A}/verifier/{credential.uuid}/"
    assert document["credentialStatus"]["statusListCredential"] == f"{PORT_A}/verifier/statut/1"
    assert verification.check(document).ok


def test_a_credential_issued_under_another_address_is_reissued_and_verifies(settings, client, compagnon, formateur):
    settings.DEBUG = True
    settings.SITE_URL = PORT_A
    kept, revoked = _issue(compagnon, "test/BC01"), _issue(compagnon, "test/BC02")
    services.revoke(revoked, by=formateur, reason="Émis en double")
    before = {c.pk: (c.uuid, c.status_index, c.document["validFrom"]) for c in (kept, revoked)}

    assert services.status_list_credential()["issuer"] == "did:web:127.0.0.1%3A8801"  # now cached

    settings.SITE_URL = PORT_B
    assert "Clé de vérification inconnue" in _verdict_in_page(client, kept.document)  # the defect
    status_list = services.status_list_credential()  # not the list cached for port A
    assert (status_list["issuer"], status_list["id"]) == ("did:web:127.0.0.1%3A8000", f"{PORT_B}/verifier/statut/1")
    assert ob3.verify(status_list, verification.resolve_key) == (True, "Signature valide.")

    assert services.reissue_foreign_credentials(by=formateur) == 2
    for credential in (kept, revoked):
        credential.refresh_from_db()
        document = credential.document
        assert (credential.uuid, credential.status_index, document["validFrom"]) == before[credential.pk]
        assert document["id"] == f"{PORT_B}/verifier/{credential.uuid}/"
        assert document["issuer"] == {
            "id": "did:web:127.0.0.1%3A8000",
            "type": ["Profile"],
            "name": services.ISSUER_NAME,
            "url": PORT_B,
        }
        assert PORT_A not in json.dumps(document)  # achievement, alignment, evidence and status list moved too
        assert verification.check(document).signature_reason == "Signature valide."
    assert "authentique et valide" in _verdict_in_page(client, kept.document)
    assert verification.check(revoked.document).status == "révoqué"
    assert AuditLog.objects.filter(action="credentials.reissued", actor=formateur).count() == 2
    assert services.reissue_foreign_credentials(by=formateur) == 0  # nothing foreign left


def test_reissuing_is_for_development_only(settings, compagnon, formateur):
    settings.SITE_URL = PORT_A
    credential = _issue(compagnon, "test/BC01")
    settings.SITE_URL, settings.DEBUG = PORT_B, False
    with pytest.raises(PermissionRefused):
        services.reissue_foreign_credentials(by=formateur)
    credential.refresh_from_db()
    assert credential.document["issuer"]["id"] == "did:web:127.0.0.1%3A8801"


def test_a_copy_under_another_host_name_is_not_taken_for_ours(settings, compagnon):
    settings.SITE_URL = PORT_A
    credential = _issue(compagnon, "test/BC01")
    copied = json.loads(json.dumps(credential.document).replace(PORT_A, "https://ailleurs.exemple"))
    verdict = verification.check(copied)
    assert verdict.credential is None and verdict.status == "inconnu" and not verdict.ok


@override_settings(DEBUG=True)
def test_a_demo_seeded_on_one_port_verifies_when_served_on_another(settings, client):
    """`make run PORT=8801` once, then `make run`: seed_demo re-signs the demo's credentials and rebuilds the
    brochure (its QR codes) for the current address."""
    settings.SITE_URL = PORT_A
    call_command("seed_demo")
    call_command("seed_demo")  # the brochure is up to date for port A
    credential = IssuedCredential.objects.filter(revoked_at__isnull=True).order_by("pk").first()
    profile = Profile.objects.get(member__email="compagnon@demo.test")
    old_fingerprint = Brochure.objects.get(profile=profile).fingerprint
    assert old_fingerprint == brochures.fingerprint(profile)

    settings.SITE_URL = PORT_B
    call_command("seed_demo")

    credential.refresh_from_db()
    assert verification.check(credential.document).signature_reason == "Signature valide."
    assert "authentique et valide" in _verdict_in_page(client, credential.document)
    page = client.get(reverse("credentials:verify", args=[credential.uuid])).content.decode()
    assert "<strong>valide</strong>" in page
    brochure = Brochure.objects.get(profile=profile)
    assert brochure.status == Brochure.Status.READY
    assert brochure.fingerprint == brochures.fingerprint(profile) != old_fingerprint


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_derives_site_url_from_port_before_seeding(tmp_path):
    probe = tmp_path / "probe.mk"
    root = Path(__file__).resolve().parents[2]
    probe.write_text(f'include {root}/Makefile\nprobe:\n\t@echo "$$SITE_URL"\n')
    run = [shutil.which("make"), "-s", "-C", str(root), "-f", str(probe), "probe"]
    env = {"PATH": "/usr/bin:/bin"}
    assert subprocess.run([*run, "PORT=8801"], capture_output=True, text=True, env=env).stdout.strip() == PORT_A
    assert subprocess.run(run, capture_output=True, text=True, env=env).stdout.strip() == PORT_B
    chosen = {**env, "SITE_URL": "https://compagnons.exemple.org"}
    assert subprocess.run(run, capture_output=True, text=True, env=chosen).stdout.strip() == chosen["SITE_URL"]
