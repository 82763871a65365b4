"""Open Badges 3.0 library: build, sign (eddsa-rdfc-2022), verify, schema, status list. No database."""

import base64
import copy
import gzip
import hashlib

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld
from pyld.jsonld import JsonLdError

from compagnons.credentials import ob3

VM_1 = "https://compagnons.example/issuers/1#key-1"
VM_2 = "https://compagnons.example/issuers/1#key-2"
CREATED = "2026-02-01T10:00:00Z"


def make_credential(**overrides):
    values = {
        "credential_id": "https://compagnons.example/credentials/42",
        "issuer_id": "https://compagnons.example/issuers/1",
        "issuer_name": "Compagnons du télétravail",
        "issuer_url": "https://compagnons.example",
        "valid_from": "2026-02-01T09:30:00Z",
        "name": "Compétence : animer une réunion à distance",
        "achievement_id": "https://compagnons.example/achievements/7",
        "achievement_name": "Animer une réunion à distance",
        "achievement_description": "Prépare, anime et conclut une réunion en visioconférence.",
        "criteria_narrative": "Trois missions validées par un compagnon.",
        "salt": "sel-0123456789",
        "recipient_email": "Lea.Martin@example.org",
        "achievement_type": "Competency",
        "alignments": [
            ob3.Alignment(
                target_name="Bloc 2 : communication",
                target_url="https://www.francecompetences.fr/recherche/rncp/12345/",
                target_code="RNCP12345BC02",
                target_framework="RNCP",
            )
        ],
        "evidence": [ob3.Evidence(id="https://compagnons.example/missions/3", name="Mission : réunion client")],
        "status_list_credential": "https://compagnons.example/status/1",
        "status_list_index": 5,
    }
    values.update(overrides)
    return ob3.build_credential(**values)


@pytest.fixture(scope="module")
def key_a():
    return ob3.generate_key()


@pytest.fixture(scope="module")
def key_b():
    return ob3.generate_key()


@pytest.fixture(scope="module")
def signed(key_a):
    return ob3.sign(make_credential(), key_a, VM_1, CREATED)


def resolver(mapping):
    return lambda vm: mapping.get(vm)


# --- build + sign + schema + verify ----------------------------------------------------------------------------


def test_built_and_signed_credential_validates_against_schema_and_verifies(signed, key_a):
    assert ob3.validate_schema(signed) == []
    assert ob3.verify(signed, resolver({VM_1: key_a.public_key()})) == (True, "Signature valide.")


def test_credential_shape(signed):
    assert signed["@context"] == [ob3.CREDENTIALS_V2_CONTEXT, ob3.OB_CONTEXT, ob3.OB_EXTENSIONS_CONTEXT]
    assert signed["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert signed["credentialSchema"] == [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ]
    assert signed["credentialStatus"] == {
        "id": "https://compagnons.example/status/1#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "https://compagnons.example/status/1",
    }
    subject = signed["credentialSubject"]
    assert "id" not in subject
    [identity] = subject["identifier"]
    assert identity["identityHash"] == ob3.hash_identity("lea.martin@example.org", "sel-0123456789")
    assert "example.org" not in str(subject)  # the e-mail never appears in clear
    assert subject["achievement"]["alignment"][0]["type"] == ["Alignment"]


def test_hash_identity():
    expected = hashlib.sha256(b"lea@example.orgabc").hexdigest()
    assert ob3.hash_identity(" Lea@Example.org ", "abc") == f"sha256${expected}"


def test_proof_is_an_array_with_the_expected_options(signed):
    assert isinstance(signed["proof"], list)
    [proof] = signed["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == VM_1
    assert proof["created"] == CREATED
    assert proof["proofValue"].startswith("z")
    assert len(ob3.base58btc_decode(proof["proofValue"][1:])) == 64


def test_sign_does_not_mutate_its_input(key_a):
    credential = make_credential()
    before = copy.deepcopy(credential)
    ob3.sign(credential, key_a, VM_1, CREATED)
    assert credential == before


def test_proof_set_two_proofs_both_verify(signed, key_a, key_b):
    twice = ob3.sign(signed, key_b, VM_2, CREATED)
    assert len(twice["proof"]) == 2
    assert ob3.verify(twice, resolver({VM_1: key_a.public_key(), VM_2: key_b.public_key()}))[0]
    assert ob3.verify(twice, resolver({VM_1: key_a.public_key()})) == (False, f"Clé de vérification inconnue : {VM_2}")


# --- tampering -------------------------------------------------------------------------------------------------


def _set_name(c):
    c["name"] = "Compétence : piloter un projet"


def _set_identifier(c):
    c["credentialSubject"]["identifier"][0]["identityHash"] = ob3.hash_identity("intrus@example.org", "sel-0123456789")


def _set_valid_from(c):
    c["validFrom"] = "2020-01-01T00:00:00Z"


def _set_achievement(c):
    c["credentialSubject"]["achievement"]["name"] = "Autre chose"


def _set_issuer(c):
    c["issuer"]["name"] = "Faussaires SARL"


def _set_status_index(c):
    c["credentialStatus"]["statusListIndex"] = "6"


def _set_proof_created(c):
    c["proof"][0]["created"] = "2026-02-02T10:00:00Z"


def _set_proof_vm(c):
    c["proof"][0]["verificationMethod"] = VM_2


@pytest.mark.parametrize(
    "tamper",
    [
        _set_name,
        _set_identifier,
        _set_valid_from,
        _set_achievement,
        _set_issuer,
        _set_status_index,
        _set_proof_created,
        _set_proof_vm,
    ],
)
def test_any_change_breaks_the_signature(signed, key_a, tamper):
    tampered = copy.deepcopy(signed)
    tamper(tampered)
    assert ob3.verify(tampered, resolver({VM_1: key_a.public_key(), VM_2: key_a.public_key()})) == (
        False,
        "La signature ne correspond pas : le document a été modifié.",
    )


def test_undefined_term_is_refused_not_silently_dropped(signed, key_a):
    tampered = copy.deepcopy(signed)
    tampered["noteSecrete"] = "non signée"
    ok, reason = ob3.verify(tampered, resolver({VM_1: key_a.public_key()}))
    assert not ok
    assert "Propriété non définie" in reason
    with pytest.raises(ob3.CanonicalizationError):
        ob3.sign(tampered, key_a, VM_1, CREATED)


@pytest.mark.parametrize(
    ("field", "value", "reason_start"),
    [
        ("type", "Ed25519Signature2020", "Type de preuve non pris en charge"),
        ("cryptosuite", "eddsa-jcs-2022", "Suite cryptographique non prise en charge"),
        ("proofPurpose", "authentication", "But de preuve inattendu"),
        ("proofValue", "uAAAA", "Valeur de preuve absente ou mal encodée"),
        ("proofValue", "z0OIl", "Valeur de preuve mal encodée"),
    ],
)
def test_malformed_proofs_are_rejected(signed, key_a, field, value, reason_start):
    bad = copy.deepcopy(signed)
    bad["proof"][0][field] = value
    ok, reason = ob3.verify(bad, resolver({VM_1: key_a.public_key()}))
    assert not ok
    assert reason.startswith(reason_start)


def test_no_proof(key_a):
    assert ob3.verify(make_credential(), resolver({VM_1: key_a.public_key()})) == (
        False,
        "Le document ne porte aucune preuve (proof).",
    )


# --- keys and rotation -----------------------------------------------------------------------------------------


def test_signed_with_key_a_does_not_verify_with_key_b(signed, key_b):
    assert ob3.verify(signed, resolver({VM_1: key_b.public_key()})) == (
        False,
        "La signature ne correspond pas : le document a été modifié.",
    )


def test_rotation_old_credentials_still_verify_with_their_key(signed, key_a, key_b):
    # After rotation key-2 (B) signs new credentials; key-1 (A) stays published for the old ones.
    keys = resolver({VM_1: key_a.public_key(), VM_2: key_b.public_key()})
    new = ob3.sign(make_credential(credential_id="https://compagnons.example/credentials/43"), key_b, VM_2, CREATED)
    assert ob3.verify(signed, keys) == (True, "Signature valide.")
    assert ob3.verify(new, keys) == (True, "Signature valide.")
    ok, reason = ob3.verify(signed, resolver({VM_2: key_b.public_key()}))
    assert (ok, reason) == (False, f"Clé de vérification inconnue : {VM_1}")


def test_resolver_returning_a_non_ed25519_key(signed):
    ok, reason = ob3.verify(signed, lambda vm: "pas une clé")
    assert not ok
    assert "Ed25519" in reason


def test_pem_round_trip(tmp_path, key_a):
    pem = ob3.private_key_to_pem(key_a)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    path = tmp_path / "issuer.pem"
    path.write_bytes(pem)
    loaded = ob3.load_private_key(path)
    assert isinstance(loaded, Ed25519PrivateKey)
    assert ob3.public_multibase(loaded.public_key()) == ob3.public_multibase(key_a.public_key())


def test_public_multibase_is_a_multikey(key_a):
    value = ob3.public_multibase(key_a.public_key())
    assert value.startswith("z6Mk")
    raw = ob3.base58btc_decode(value[1:])
    assert raw[:2] == b"\xed\x01"
    assert len(raw) == 34
    restored = ob3.public_key_from_multibase(value)
    assert isinstance(restored, Ed25519PublicKey)
    assert ob3.public_multibase(restored) == value
    doc = ob3.multikey_document(VM_1, "https://compagnons.example/issuers/1", key_a.public_key())
    assert doc["type"] == "Multikey"
    assert doc["publicKeyMultibase"] == value
    assert ob3.canonicalize(doc)  # the multikey context is bundled


@pytest.mark.parametrize("data", [b"", b"\0", b"\0\0\x01", b"hello world", bytes(range(256))])
def test_base58btc_round_trip(data):
    assert ob3.base58btc_decode(ob3.base58btc_encode(data)) == data


def test_base58btc_known_value():
    assert ob3.base58btc_encode(b"hello world") == "StV1DL6CwTryKyV"


# --- JSON-LD ---------------------------------------------------------------------------------------------------


def test_document_loader_serves_the_bundled_contexts():
    for url in ob3.CONTEXTS:
        remote = ob3.document_loader(url)
        assert remote["documentUrl"] == url
        assert "@context" in remote["document"]


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/context.json", "https://www.w3.org/2018/credentials/v1", "file:///etc/passwd"],
)
def test_document_loader_refuses_unknown_urls(url):
    with pytest.raises(JsonLdError):
        ob3.document_loader(url, {})


def test_canonicalize_refuses_a_remote_context():
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"], "name": "x"}
    with pytest.raises(ob3.CanonicalizationError, match="Contexte JSON-LD inconnu"):
        ob3.canonicalize(doc)


def test_no_network_is_used(monkeypatch, key_a):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    signed = ob3.sign(make_credential(), key_a, VM_1, CREATED)
    assert ob3.verify(signed, resolver({VM_1: key_a.public_key()}))[0]
    assert ob3.validate_schema(signed) == []


def test_canonicalize_is_deterministic():
    credential = make_credential()
    reordered = dict(reversed(list(credential.items())))
    reordered["credentialSubject"] = dict(reversed(list(credential["credentialSubject"].items())))
    assert list(reordered) != list(credential)
    first = ob3.canonicalize(credential)
    assert first == ob3.canonicalize(reordered)
    assert first == ob3.canonicalize(credential)
    assert first.endswith("\n")
    assert "<https://compagnons.example/credentials/42>" in first


# --- independent cross-check -----------------------------------------------------------------------------------


def test_signature_cross_check_with_hashlib_pyld_and_cryptography(signed, key_a):
    [proof] = signed["proof"]
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    proof_config = {k: v for k, v in proof.items() if k != "proofValue"}
    proof_config["@context"] = signed["@context"]
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": ob3.document_loader}
    canon_config = jsonld.normalize(proof_config, dict(options))
    canon_doc = jsonld.normalize(unsecured, dict(options))
    hash_data = hashlib.sha256(canon_config.encode()).digest() + hashlib.sha256(canon_doc.encode()).digest()
    signature = ob3.base58btc_decode(proof["proofValue"][1:])
    key_a.public_key().verify(signature, hash_data)  # raises InvalidSignature on mismatch
    # and the order matters: document hash first must NOT verify
    swapped = hash_data[32:] + hash_data[:32]
    with pytest.raises(InvalidSignature):
        key_a.public_key().verify(signature, swapped)


# W3C vc-di-eddsa, TestVectors/eddsa-rdfc-2022 (key pair, signed credential, combined hash).
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"  # multicodec 0x8026 + 32-byte seed
W3C_EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
W3C_SIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2", W3C_EXAMPLES_CONTEXT],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod",
        "proofValue": "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4CrzcKnHw8V6dvy5pgWYCU5e9",
    },
}
W3C_COMBINED_HASH = (
    "4c4d3890a157f8d611b13c265c2c22f39aa0a567c7c7dd9ba3e45cd579784eeb"
    "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
)


def test_w3c_eddsa_rdfc_2022_test_vector(monkeypatch):
    bundled = ob3.document_loader

    def loader(url, options=None):
        if url == W3C_EXAMPLES_CONTEXT:  # the W3C examples context: a bare @vocab
            document = {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}
            return {"contextUrl": None, "documentUrl": url, "contentType": "application/ld+json", "document": document}
        return bundled(url, options)

    monkeypatch.setattr(ob3, "document_loader", loader)
    seed = ob3.base58btc_decode(W3C_PRIVATE[1:])
    assert seed[:2] == b"\x80\x26"
    private_key = Ed25519PrivateKey.from_private_bytes(seed[2:])
    assert ob3.public_multibase(private_key.public_key()) == W3C_PUBLIC

    proof = W3C_SIGNED["proof"]
    unsecured = {k: v for k, v in W3C_SIGNED.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": unsecured["@context"]}
    assert ob3.hash_data(unsecured, config).hex() == W3C_COMBINED_HASH

    resigned = ob3.sign(unsecured, private_key, proof["verificationMethod"], proof["created"])
    assert resigned["proof"][0]["proofValue"] == proof["proofValue"]  # Ed25519 is deterministic
    assert ob3.verify(W3C_SIGNED, lambda vm: ob3.public_key_from_multibase(W3C_PUBLIC)) == (True, "Signature valide.")


# --- schema ----------------------------------------------------------------------------------------------------


def test_schema_requires_proof_as_array(signed):
    bad = copy.deepcopy(signed)
    bad["proof"] = bad["proof"][0]
    errors = ob3.validate_schema(bad)
    assert errors
    assert all(e.startswith("Schéma OB 3.0 — ") for e in errors)
    assert any("$.proof" in e for e in errors)


def test_schema_reports_missing_fields_with_their_path(signed):
    bad = copy.deepcopy(signed)
    del bad["credentialSubject"]["achievement"]["criteria"]
    bad["type"] = ["VerifiableCredential"]
    errors = ob3.validate_schema(bad)
    assert any(e.startswith("Schéma OB 3.0 — $.credentialSubject.achievement : ") and "criteria" in e for e in errors)
    assert any(e.startswith("Schéma OB 3.0 — $.type : ") for e in errors)


def test_unsigned_credential_is_schema_valid_too():
    assert ob3.validate_schema(make_credential(status_list_credential=None, status_list_index=None)) == []


def test_build_credential_argument_checks():
    with pytest.raises(ValueError, match="achievementType"):
        make_credential(achievement_type="Diploma")
    with pytest.raises(ValueError, match="recipient"):
        make_credential(recipient_identity_hash="sha256$00")
    with pytest.raises(ValueError, match="status_list"):
        make_credential(status_list_index=None)
    with pytest.raises(ValueError, match="Date invalide"):
        make_credential(valid_from="01/02/2026")


def test_build_credential_with_precomputed_hash_and_certification():
    identity_hash = ob3.hash_identity("lea.martin@example.org", "sel-0123456789")
    credential = make_credential(
        recipient_email=None, recipient_identity_hash=identity_hash, achievement_type="Certification"
    )
    assert credential == make_credential(achievement_type="Certification")
    assert ob3.validate_schema(credential) == []


# --- Bitstring Status List -------------------------------------------------------------------------------------


def test_status_list_round_trip():
    encoded = ob3.bitstring_status_list({5, 131071})
    assert encoded.startswith("u")
    assert "=" not in encoded
    assert ob3.is_revoked(encoded, 5)
    assert not ob3.is_revoked(encoded, 6)
    assert not ob3.is_revoked(encoded, 0)
    assert ob3.is_revoked(encoded, 131071)


def test_status_list_encoding_follows_the_spec():
    encoded = ob3.bitstring_status_list({0, 5})
    body = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    assert len(bits) == 16 * 1024  # 131072 bits minimum
    assert bits[0] == 0b1000_0100  # index 0 is the left-most bit
    assert not any(bits[1:])
    assert encoded == ob3.bitstring_status_list([5, 0])  # deterministic (gzip mtime=0)


def test_status_list_size_is_rounded_up_to_whole_bytes():
    encoded = ob3.bitstring_status_list({131072}, size=131073)
    assert ob3.is_revoked(encoded, 131072)
    assert not ob3.is_revoked(encoded, 131079)
    with pytest.raises(ValueError):
        ob3.is_revoked(encoded, 131080)


def test_malformed_documents_fail_cleanly(signed, key_a):
    keys = resolver({VM_1: key_a.public_key()})
    for context in (5, {"@version": 2}):
        bad = copy.deepcopy(signed)
        bad["@context"] = context
        ok, reason = ob3.verify(bad, keys)
        assert not ok
        assert reason.startswith("Document JSON-LD invalide")
    assert ob3.verify("pas un objet", keys) == (False, "Le document n'est pas un objet JSON.")
    assert ob3.validate_schema(None) == ["Schéma OB 3.0 — $ : None is not of type 'object'"]


def test_status_list_accepts_the_unprefixed_legacy_form():
    encoded = ob3.bitstring_status_list({5})
    assert ob3.is_revoked(encoded[1:], 5)


def test_status_list_errors():
    with pytest.raises(ValueError):
        ob3.bitstring_status_list({131072})
    with pytest.raises(ValueError):
        ob3.bitstring_status_list(set(), size=1024)  # below the 16 KiB minimum
    with pytest.raises(ValueError):
        ob3.is_revoked(ob3.bitstring_status_list(set()), 131072)
    with pytest.raises(ValueError):
        ob3.is_revoked("u!!!", 0)


def test_status_list_credential_signs_and_verifies(key_a):
    status = ob3.build_status_list_credential(
        credential_id="https://compagnons.example/status/1",
        issuer_id="https://compagnons.example/issuers/1",
        valid_from="2026-02-01T00:00:00Z",
        encoded_list=ob3.bitstring_status_list({5}),
    )
    signed_status = ob3.sign(status, key_a, VM_1, CREATED)
    assert ob3.verify(signed_status, resolver({VM_1: key_a.public_key()})) == (True, "Signature valide.")
