"""The issuer is a did:web: its DID document at /.well-known/did.json (every key, current and retired, as Multikey
verification methods), checked against the W3C DID Core 1.0 data model; credentials issued before (under the https
issuer) still verify; other issuers' did:web are read over the network only when allowed, and carefully."""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.cache import cache
from django.urls import reverse

from compagnons.credentials import ob3, resolver, services, verification

pytestmark = pytest.mark.django_db

# DID Core 1.0, § 3.1 DID Syntax (ABNF): did = "did:" method-name ":" method-specific-id
DID_RE = re.compile(r"^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$")
# § 3.2 DID URL Syntax: a fragment after the DID
FRAGMENT_RE = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@/?-]+$")
ABSOLUTE_URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def assert_did_core_document(document: dict) -> None:
    """The DID Core 1.0 data model (§ 4 Data Model, § 5 Core Properties) for what this document uses."""
    assert document["@context"][0] == "https://www.w3.org/ns/did/v1"  # § 4.1 JSON-LD: first context
    did = document["id"]
    assert DID_RE.match(did), did  # § 5.1.1 id: a DID
    for uri in document.get("alsoKnownAs", []):  # § 5.1.3: a set of URIs
        assert ABSOLUTE_URI_RE.match(uri)
    methods = document["verificationMethod"]
    ids = [m["id"] for m in methods]
    assert len(ids) == len(set(ids))  # § 5.2: no two verification methods with the same id
    for method in methods:
        assert set(method) == {"id", "type", "controller", "publicKeyMultibase"}
        base, _, fragment = method["id"].partition("#")
        assert base == did and FRAGMENT_RE.match(fragment)  # a DID URL of this DID
        assert DID_RE.match(method["controller"])  # § 5.2: controller is a DID
        assert method["type"] == "Multikey"  # Controlled Identifiers 1.0, § 2.2.2 Multikey
        ob3.public_key_from_multibase(method["publicKeyMultibase"])  # an Ed25519 Multikey
    for reference in document["assertionMethod"]:  # § 5.3.2: references to verification methods
        assert reference in ids
    # JSON-LD in safe mode: every term defined by the two contexts, no relative IRI (both bundled, no network)
    assert ob3.canonicalize(document)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_the_did_document_lists_every_key_current_and_retired(client, credential, formateur, settings):
    first = services.active_key()
    second = services.rotate_key(by=formateur)
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/did+ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert_did_core_document(document)
    assert document["id"] == services.issuer_id() == ob3.did_web(settings.SITE_URL)
    assert [m["id"] for m in document["verificationMethod"]] == [
        f"{document['id']}#{first.kid}",
        f"{document['id']}#{second.kid}",
    ]
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert document["alsoKnownAs"] == [services.legacy_issuer_id()]


def test_the_did_document_is_public_and_its_queries_do_not_grow(
    client, credential, formateur, django_assert_max_num_queries
):
    for _ in range(3):
        services.rotate_key(by=formateur)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("credentials:did")).status_code == 200
    assert client.post(reverse("credentials:did")).status_code == 405  # read only


def test_new_credentials_name_the_did_web_as_issuer_and_verify(credential):
    document = credential.document
    assert document["issuer"]["id"] == services.issuer_id()
    assert document["issuer"]["id"].startswith("did:web:")
    assert document["proof"][0]["verificationMethod"].startswith(services.issuer_id() + "#")
    verdict = verification.check(document)
    assert verdict.ok and verdict.issuer_bound


def test_a_credential_issued_the_old_way_still_verifies(compagnon, formateur, monkeypatch):
    """Before the did:web, the issuer and the keys' controller were <site>/verifier/emetteur."""
    monkeypatch.setattr(services, "issuer_id", services.legacy_issuer_id)
    old = services.issue(
        member=compagnon,
        achievement_type="Competency",
        achievement_key="ancien/BC01",
        name="BC01 — émis avant le did:web",
        description="",
        criteria="",
        alignments=[],
        evidence=compagnon,
        evidence_url="https://exemple.test/decision/1",
        evidence_name="Décision",
    )
    monkeypatch.undo()
    assert old.document["issuer"]["id"] == services.legacy_issuer_id()
    assert old.document["proof"][0]["verificationMethod"].startswith(services.legacy_issuer_id() + "#")
    services.rotate_key(by=formateur)  # its key is retired: still published, still verifies
    verdict = verification.check(old.document)
    assert verdict.ok, verdict.signature_reason
    profile = services.issuer_profile()  # the former address keeps publishing every key too
    assert old.document["proof"][0]["verificationMethod"] in profile["assertionMethod"]


def test_a_key_of_ours_cannot_be_claimed_by_another_issuer(credential):
    """Signed with our key, but naming someone else as issuer: the signature holds, the issuer is not bound."""
    document = json.loads(json.dumps(credential.document))
    document["issuer"]["id"] = "did:web:ailleurs.exemple"
    verdict = verification.check(document)
    assert not verdict.ok


def test_a_did_key_credential_is_bound_only_to_its_own_did():
    from tests.credentials.test_conformance import ONE_EDTECH, load

    document = load(ONE_EDTECH / "simple-did-key-method.json")
    verdict = verification.check(document)
    assert verdict.signature_ok  # did:key: no network, always on
    assert not verdict.issuer_bound  # its issuer is a urn:uuid, not the did:key that signed
    assert not verdict.ok


# --- other issuers' did:web: off in tests, and careful when on ---------------------------------------------------


def _no_network(*args, **kwargs):
    raise AssertionError("network used")


def test_resolution_of_other_did_web_is_off_by_default(settings, monkeypatch):
    assert settings.CREDENTIALS_RESOLVE_DID_WEB is False
    monkeypatch.setattr(resolver.socket, "getaddrinfo", _no_network)
    monkeypatch.setattr(resolver.urllib.request.OpenerDirector, "open", _no_network)
    assert verification.resolve_key("did:web:ailleurs.exemple#cle") is None


def test_a_private_or_loopback_address_is_refused_unless_a_registered_house(settings, monkeypatch):
    settings.CREDENTIALS_RESOLVE_DID_WEB = True
    monkeypatch.setattr(resolver.socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("127.0.0.1", 443))])
    monkeypatch.setattr(resolver.urllib.request.OpenerDirector, "open", _no_network)
    assert resolver.fetch_did_document("did:web:interne.exemple") is None
    monkeypatch.setattr(resolver.socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.8", 443))])
    assert resolver.fetch_did_document("did:web:autre.exemple") is None


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):
        status, headers, body = self.routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_redirects_are_not_followed_and_size_is_capped(server):
    _Handler.routes = {
        "/redirige": (302, {"Location": "/cible"}, b""),
        "/cible": (200, {}, b'{"id": "x"}'),
        "/gros": (200, {}, b'{"id": "' + b"x" * (resolver.MAX_BYTES + 10) + b'"}'),
        "/petit": (200, {}, b'{"id": "x"}'),
    }
    assert resolver._get_json(f"{server}/petit", private_allowed=True) == {"id": "x"}
    assert resolver._get_json(f"{server}/redirige", private_allowed=True) is None
    assert resolver._get_json(f"{server}/gros", private_allowed=True) is None
    assert resolver._get_json(f"{server}/petit", private_allowed=False) is None  # loopback


def test_other_issuers_are_read_over_https_only(settings, formateur, monkeypatch):
    """Plain HTTP is for registered houses, and only with CREDENTIALS_DID_WEB_HTTP_HOUSES (development)."""
    settings.CREDENTIALS_RESOLVE_DID_WEB = True
    settings.CREDENTIALS_DID_WEB_HTTP_HOUSES = True
    asked = []
    monkeypatch.setattr(resolver, "_get_json", lambda url, private_allowed: asked.append((url, private_allowed)))
    resolver.fetch_did_document("did:web:ailleurs.exemple")
    services.register_house(did="did:web:maison.exemple", name="Maison", by=formateur)
    resolver.fetch_did_document("did:web:maison.exemple")
    settings.CREDENTIALS_DID_WEB_HTTP_HOUSES = False
    cache.clear()
    resolver.fetch_did_document("did:web:maison.exemple")
    assert asked == [
        ("https://ailleurs.exemple/.well-known/did.json", False),
        ("http://maison.exemple/.well-known/did.json", True),
        ("https://maison.exemple/.well-known/did.json", True),
    ]


def test_a_refusal_is_cached_too(settings, monkeypatch):
    settings.CREDENTIALS_RESOLVE_DID_WEB = True
    asked = []
    monkeypatch.setattr(resolver, "_get_json", lambda url, private_allowed: asked.append(url))
    assert resolver.fetch_did_document("did:web:ailleurs.exemple") is None
    assert resolver.fetch_did_document("did:web:ailleurs.exemple") is None
    assert len(asked) == 1


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self):
        threading.Event().wait(2)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"id": "x"}')

    def log_message(self, *args):
        pass


def test_a_slow_answer_is_given_up_after_the_timeout(monkeypatch):
    httpd = HTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setattr(resolver, "TIMEOUT", 0.2)
    try:
        started = time.monotonic()
        assert resolver._get_json(f"http://127.0.0.1:{httpd.server_port}/", private_allowed=True) is None
        assert time.monotonic() - started < 1.5
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_registered_house_did_document_is_read_and_cached(server, settings, formateur, monkeypatch):
    settings.CREDENTIALS_RESOLVE_DID_WEB = True
    settings.CREDENTIALS_DID_WEB_HTTP_HOUSES = True
    did = ob3.did_web(server)
    key = ob3.generate_key()
    method = f"{did}#cle-1"
    document = {
        "@context": [ob3.DID_V1_CONTEXT, ob3.MULTIKEY_V1_CONTEXT],
        "id": did,
        "verificationMethod": [
            {"id": method, "type": "Multikey", "controller": did, "publicKeyMultibase": ob3.public_multibase(key)}
        ],
        "assertionMethod": [method],
    }
    _Handler.routes = {"/.well-known/did.json": (200, {}, json.dumps(document).encode())}
    assert verification.resolve_key(method) is None  # not a house yet: loopback refused
    cache.clear()
    services.register_house(did=did, name="Maison du Sud", by=formateur)
    resolved = verification.resolve_key(method)
    assert resolved is not None and ob3.public_multibase(resolved) == ob3.public_multibase(key)
    _Handler.routes = {}
    assert verification.resolve_key(method) is not None  # cached
    assert verification.resolve_key(f"{did}#autre") is None  # not a method of the document


def test_the_verifier_page_queries_do_not_grow(client, credential, compagnon, formateur, django_assert_max_num_queries):
    for i in range(5):
        services.rotate_key(by=formateur)
        services.register_house(did=f"did:web:maison{i}.exemple", name=f"Maison {i}", by=formateur)
    with django_assert_max_num_queries(12):
        response = client.post(reverse("credentials:check"), {"document": json.dumps(credential.document)})
    assert "authentique et valide" in response.content.decode()


def test_an_endorsement_of_a_registered_house_verifies_and_says_the_house(client, server, settings, formateur):
    """Endorsements travel like titles: one a house signed verifies here once the house is registered."""
    settings.CREDENTIALS_RESOLVE_DID_WEB = True
    settings.CREDENTIALS_DID_WEB_HTTP_HOUSES = True
    did = ob3.did_web(server)
    key = ob3.generate_key()
    method = f"{did}#cle-1"
    did_document = {
        "@context": [ob3.DID_V1_CONTEXT, ob3.MULTIKEY_V1_CONTEXT],
        "id": did,
        "verificationMethod": [
            {"id": method, "type": "Multikey", "controller": did, "publicKeyMultibase": ob3.public_multibase(key)}
        ],
        "assertionMethod": [method],
    }
    _Handler.routes = {"/.well-known/did.json": (200, {}, json.dumps(did_document).encode())}
    endorsement = ob3.sign(
        ob3.build_endorsement(
            credential_id=f"{server}/verifier/8d0f3a52-1c1e-4c43-9d0e-4a8a0c3c7d11/",
            issuer_id=did,
            issuer_name="Maison du Sud",
            issuer_url=server,
            valid_from="2026-01-01T00:00:00Z",
            name="Recommandation : C1.1 — Pitch",
            subject_id=f"{server}/referentiel/#C1.1",
            comment="Un client atteste que Léa a montré la compétence « C1.1 — Pitch ».",
        ),
        key,
        method,
        "2026-01-01T00:00:00Z",
    )
    services.register_house(did=did, name="Maison du Sud", by=formateur)
    verdict = verification.check(endorsement)
    assert verdict.ok, (verdict.signature_reason, verdict.schema_errors, verdict.status)
    assert verdict.house is not None and verdict.house.name == "Maison du Sud"
    page = client.post(reverse("credentials:check"), {"document": json.dumps(endorsement)}).content.decode()
    assert "Émis par la maison « Maison du Sud »" in page
