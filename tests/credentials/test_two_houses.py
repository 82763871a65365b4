"""Two houses, for real: two instances of the platform (two `runserver` on two loopback ports, two SQLite databases,
two key directories). House A issues a credential; house B's team registers A by its did:web; B's public /verifier/
then reads A's key from A's /.well-known/did.json over HTTP and says the credential is authentic, from « Maison A ».

The only test where did:web resolution over the network is on (CREDENTIALS_RESOLVE_DID_WEB in the instances' own
environment; plain HTTP for registered houses, since loopback has no certificate). About 40 s: two migrations."""

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from compagnons.credentials import ob3
from tests.credentials.test_did_web import assert_did_core_document

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, name: str, folder: Path, database: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.did = ob3.did_web(self.url)
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("COMPAGNONS_TESTING", "DATABASE_URL")},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "SECRET_KEY": f"two-houses-{name}-0123456789abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": f"sqlite:///{database}",
            "SITE_URL": self.url,
            "CREDENTIALS_ISSUER_URL": "",
            "CREDENTIALS_KEY_DIR": str(folder / "keys"),
            "CREDENTIALS_RESOLVE_DID_WEB": "1",
            "CREDENTIALS_DID_WEB_HTTP_HOUSES": "1",
            "PYTHONPATH": str(ROOT),
        }
        self.server = None

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=180
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def start(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/.well-known/did.json", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"{self.url} did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=10)


ISSUE = """
import json
from tests.factories import UserFactory
from compagnons.credentials import services
member = UserFactory(email="lea@maison-a.test")
credential = services.issue(
    member=member, achievement_type="Competency", achievement_key="maison-a/BC01", name="BC01 — Se présenter",
    description="Mise en situation", criteria="Pitch", alignments=[], evidence=member,
    evidence_url=services.url("credentials:mine"), evidence_name="Décision du jury",
)
print(json.dumps(credential.document))
"""

REGISTER = """
from tests.factories import UserFactory
from compagnons.credentials import services
staff = UserFactory(is_staff=True)
services.register_house(did="{did}", name="Maison A", by=staff)
"""


@pytest.fixture
def houses(tmp_path):
    template = tmp_path / "template.sqlite3"
    a = Instance("a", tmp_path / "a", tmp_path / "a.sqlite3")
    a.env["DATABASE_URL"] = f"sqlite:///{template}"
    a.manage("migrate", "--noinput", "-v0")
    a.manage("createcachetable")  # the database cache of a non-test run (as `make` does)
    shutil.copy(template, tmp_path / "a.sqlite3")
    shutil.copy(template, tmp_path / "b.sqlite3")
    a.env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    b = Instance("b", tmp_path / "b", tmp_path / "b.sqlite3")
    yield a, b
    a.stop()
    b.stop()


def _verify_on(instance: Instance, document: dict) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{instance.url}/verifier/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "document": json.dumps(document)}).encode()
    request = urllib.request.Request(f"{instance.url}/verifier/", data=data, headers={"Referer": instance.url})
    with opener.open(request, timeout=30) as response:
        assert response.status == 200
        return response.read().decode()


def test_a_credential_of_house_a_verifies_on_house_b(houses):
    a, b = houses
    document = json.loads(a.shell(ISSUE).strip().splitlines()[-1])
    assert document["issuer"]["id"] == a.did
    a.start()
    b.start()
    with urllib.request.urlopen(f"{a.url}/.well-known/did.json", timeout=5) as response:
        assert_did_core_document(json.loads(response.read()))

    before = _verify_on(b, document)  # B does not know A yet: a did:web on loopback, refused
    assert "Clé de vérification inconnue" in before
    assert "authentique et valide" not in before

    b.shell(REGISTER.format(did=a.did))
    after = _verify_on(b, document)
    assert "Signature valide." in after
    assert "Émis par la maison « Maison A »" in after
    assert "Statut : valide (non révoqué)." in after
    assert "authentique et valide" in after

    tampered = {**document, "name": "BC09 — Tout savoir"}
    assert "le document a été modifié" in _verify_on(b, tampered)
