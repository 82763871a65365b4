"""Conformance with the external test material (tests/credentials/vectors/README.md says where each file comes from):
the W3C vc-di-eddsa vectors (signed credentials, proof sets, proof chains), the W3C Data Integrity test suite's
eddsa-rdfc-2022 inputs, 1EdTech's public validator samples; and the rules of the specifications the verifier
enforces (proof.expires, dateTimeStamp, relative IRIs, bundled contexts, no network)."""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from compagnons.credentials import ob3

VECTORS = Path(__file__).parent / "vectors"
W3C = VECTORS / "w3c-vc-di-eddsa"
SUITE = VECTORS / "w3c-di-test-suite"
ONE_EDTECH = VECTORS / "1edtech-validator"
VM = "https://compagnons.example/issuers/1#key-1"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def nobody(verification_method):
    """No key but what a did:key carries: the vectors' keys are all did:key ones."""
    return None


@pytest.fixture(scope="module")
def key():
    return ob3.generate_key()


@pytest.fixture(scope="module")
def unsigned():
    return load(W3C / "unsigned.json")


def ours(key):
    return lambda vm: key.public_key() if vm == VM else None


# --- W3C vc-di-eddsa vectors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "eddsa-rdfc-2022/signedDataInt.json",
        "proof-set-chain/signedProofSet1.json",
        "proof-set-chain/signedProofSet2.json",
        "proof-set-chain/signedProofChain1.json",
        "proof-set-chain/signedProofChain2.json",
    ],
)
def test_w3c_signed_vectors_verify(name):
    """The examples context (https://www.w3.org/ns/credentials/examples/v2) is bundled; did:key keys need no
    resolver; proof sets and chains verify (the chain's proofs were signed over the proofs they name)."""
    assert ob3.verify(load(W3C / name), nobody) == (True, ob3.MSG_VALID)


def test_a_vector_with_a_context_we_do_not_bundle_is_refused_never_fetched(monkeypatch):
    """The employment vector uses the citizenship context: an explicit refusal, no network."""
    monkeypatch.setattr("urllib.request.urlopen", _no_network)
    ok, reason = ob3.verify(load(W3C / "eddsa-rdfc-2022/employ/signedDataInt.json"), nobody)
    assert not ok
    assert "Contexte JSON-LD inconnu, refusé (aucun accès réseau) : https://w3id.org/citizenship/v4rc1" in reason


def test_a_proof_chain_signed_here_matches_the_w3c_vector_byte_for_byte():
    """Re-signing the last link of the W3C chain with its published key gives the same proofValue."""
    pairs = load(W3C / "proof-set-chain/multiKeyPairs.json")
    chain = load(W3C / "proof-set-chain/signedProofChain2.json")
    seed = ob3.base58btc_decode(pairs["keyPair4"]["privateKeyMultibase"][1:])[2:]
    private = Ed25519PrivateKey.from_private_bytes(seed)
    *earlier, last = chain["proof"]
    resigned = ob3.sign(
        {**chain, "proof": earlier},
        private,
        last["verificationMethod"],
        last["created"],
        previous_proof=last["previousProof"],
    )
    assert resigned["proof"][-1] == last


def test_a_link_removed_from_a_chain_is_refused():
    chain = load(W3C / "proof-set-chain/signedProofChain2.json")
    chain["proof"] = [p for p in chain["proof"] if p.get("id") != "urn:uuid:d94f792a-c546-4d06-b38a-da070ab56c23"]
    ok, reason = ob3.verify(chain, nobody)
    assert not ok
    assert reason.startswith("Chaîne de preuves rompue")


def test_a_chained_proof_checked_without_its_previous_proof_fails():
    """The previous proof is part of what was signed: sign the same proof over the bare document and compare."""
    chain = load(W3C / "proof-set-chain/signedProofChain2.json")
    for proof in chain["proof"]:
        proof.pop("previousProof", None)
    ok, reason = ob3.verify(chain, nobody)
    assert (ok, reason) == (False, ob3.MSG_TAMPERED)


# --- W3C Data Integrity test suite (eddsa-rdfc-2022 inputs) ----------------------------------------------------


@pytest.mark.parametrize("path", sorted(SUITE.glob("2.0-*.json")), ids=lambda p: p.stem)
def test_data_integrity_suite_inputs(path):
    ok, reason = ob3.verify(load(path), nobody)
    if "Ok" in path.stem:
        assert (ok, reason) == (True, ob3.MSG_VALID)
    else:
        assert not ok
        assert reason.startswith(("Chaîne de preuves", "Adresse relative refusée")), reason


def test_previous_proof_must_be_a_string_or_an_array_of_strings():
    document = load(SUITE / "2.0-previousProofNotStringFail-SimpleSigned2.json")
    document["proof"][0]["id"] = "urn:uuid:456321"  # so that only the chain rule is left to fail
    ok, reason = ob3.verify(document, nobody)
    assert not ok
    assert reason.startswith("Chaîne de preuves invalide : previousProof doit être")


@pytest.mark.parametrize("path", sorted(SUITE.glob("1.1-*.json")), ids=lambda p: p.stem)
def test_vc_1_1_inputs_are_refused_for_their_unbundled_context_never_fetched(path, monkeypatch):
    """VC 1.1 (https://www.w3.org/2018/credentials/v1) is not a context this verifier reads: refused, not fetched
    (the broken chains are refused first, for their chain)."""
    monkeypatch.setattr("urllib.request.urlopen", _no_network)
    ok, reason = ob3.verify(load(path), nobody)
    assert not ok
    if "Ok" in path.stem:
        assert "refusé (aucun accès réseau) : https://www.w3.org/2018/credentials/v1" in reason
    else:
        assert reason.startswith("Chaîne de preuves"), reason


def _no_network(*args, **kwargs):
    raise AssertionError("network used")


# --- 1EdTech validator samples ---------------------------------------------------------------------------------


def test_the_1edtech_did_key_sample_verifies():
    """simple-did-key-method.json: the one key resolution convention of the samples the platform supports."""
    document = load(ONE_EDTECH / "simple-did-key-method.json")
    assert ob3.verify(document, nobody) == (True, ob3.MSG_VALID)
    assert ob3.validate_schema(document) == []


def _key_in_fragment(verification_method):
    """The samples' other convention (`https://issuer#z6Mk…`, the key in the fragment): NOT supported by the
    product (any host could be named with any key); used here only to show their signatures and contexts hold."""
    fragment = verification_method.partition("#")[2]
    try:
        return ob3.public_key_from_multibase(fragment)
    except ValueError:
        return None


@pytest.mark.parametrize(
    "name",
    [
        "simple.json",
        "complete.json",
        "simple-context-alias.json",
        "simple-context-version.json",  # context 3.0.2
        "endorsement-valid.json",
        "simple-did-web-method.json",
    ],
)
def test_1edtech_samples_canonicalize_with_the_bundled_contexts(name):
    assert ob3.verify(load(ONE_EDTECH / name), _key_in_fragment) == (True, ob3.MSG_VALID)


def test_the_fragment_convention_is_not_a_key_resolution_the_product_trusts():
    ok, reason = ob3.verify(load(ONE_EDTECH / "simple.json"), nobody)
    assert not ok
    assert reason.startswith("Clé de vérification inconnue")


@pytest.mark.parametrize(
    ("name", "reason_start"),
    [
        ("simple-err-proof-method-no-scheme.json", "Clé de vérification inconnue"),
        ("simple-err-proof-method-unknown-did-method.json", "Clé de vérification inconnue"),
        ("simple-err-proof-method-unknown-scheme.json", "Clé de vérification inconnue"),
        ("simple-err-context.json", "Propriété non définie"),
        ("simple-err-issuer-type.json", "Adresse relative refusée : 'InvalidProfile'"),
        ("simple-err-credential-subject-profile-type.json", "Adresse relative refusée : 'InvalidProfile'"),
        ("simple-err-evidence-type.json", "Propriété non définie"),
        ("simple-eddsa-2022.json", "Suite cryptographique non prise en charge"),
        ("simple_v1.json", "Type de preuve non pris en charge"),
    ],
)
def test_1edtech_error_samples_are_refused_with_a_reason(name, reason_start):
    ok, reason = ob3.verify(load(ONE_EDTECH / name), _key_in_fragment)
    assert not ok
    assert reason.startswith(reason_start), reason


# --- proof.expires, created -------------------------------------------------------------------------------------


NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_a_proof_expiring_in_the_future_verifies(key, unsigned):
    signed = ob3.sign(unsigned, key, VM, "2026-01-01T00:00:00Z", expires="2027-01-01T00:00:00Z")
    assert signed["proof"][0]["expires"] == "2027-01-01T00:00:00Z"
    assert ob3.verify(signed, ours(key), now=NOW) == (True, ob3.MSG_VALID)


def test_an_expired_proof_is_refused(key, unsigned):
    signed = ob3.sign(unsigned, key, VM, "2026-01-01T00:00:00Z", expires="2026-02-01T00:00:00Z")
    assert ob3.verify(signed, ours(key), now=NOW) == (False, "La preuve a expiré le 2026-02-01T00:00:00Z.")


def test_a_proof_expiring_before_it_was_created_is_refused(key, unsigned):
    signed = ob3.sign(unsigned, key, VM, "2026-03-01T00:00:00Z", expires="2026-02-01T00:00:00Z")
    assert ob3.verify(signed, ours(key), now=datetime(2026, 1, 1, tzinfo=UTC)) == (
        False,
        "Preuve invalide : elle expire avant d'avoir été créée.",
    )


@pytest.mark.parametrize("value", ["demain", "2026-13-01T00:00:00Z", "2027-01-01T00:00:00", 1767225600])
def test_a_malformed_expires_is_refused(key, unsigned, value):
    signed = ob3.sign(unsigned, key, VM, "2026-01-01T00:00:00Z")
    signed["proof"][0]["expires"] = value
    ok, reason = ob3.verify(signed, ours(key), now=NOW)
    assert not ok
    assert reason.startswith("Date d'expiration de la preuve")


def test_created_without_a_time_zone_offset_is_refused(key, unsigned):
    """Decision: `created` is a dateTimeStamp (Data Integrity 1.0); without an offset it names no instant."""
    signed = ob3.sign(unsigned, key, VM, "2026-01-01T00:00:00Z")
    signed["proof"][0]["created"] = "2026-01-01T00:00:00"
    ok, reason = ob3.verify(signed, ours(key), now=NOW)
    assert not ok
    assert reason.startswith("Date de création de la preuve sans fuseau horaire")


# --- proof sets with a proof of another type -------------------------------------------------------------------


def test_a_proof_of_an_unknown_type_is_ignored_and_said(key, unsigned):
    """Decision: a proof this verifier cannot read (not a DataIntegrityProof) is ignored, and the verdict says so;
    every Data Integrity proof must still verify, and there must be at least one."""
    signed = ob3.sign(unsigned, key, VM, "2026-01-01T00:00:00Z")
    signed["proof"].insert(0, {"type": "SomeProofType", "created": "2022-11-16T18:54:22Z"})
    ok, reason = ob3.verify(signed, ours(key), now=NOW)
    assert ok
    assert reason.startswith(ob3.MSG_VALID)
    assert "1 preuve(s) d'un autre type" in reason


def test_a_set_with_only_unknown_proofs_is_refused(unsigned):
    document = {**unsigned, "proof": [{"type": "SomeProofType"}]}
    ok, reason = ob3.verify(document, nobody)
    assert not ok
    assert reason.startswith("Type de preuve non pris en charge")


def test_every_data_integrity_proof_of_a_set_must_verify(key, unsigned):
    other = ob3.generate_key()
    signed = ob3.sign(ob3.sign(unsigned, key, VM, "2026-01-01T00:00:00Z"), other, VM + "b", "2026-01-01T00:00:00Z")
    assert ob3.verify(signed, ours(key), now=NOW)[1].startswith("Clé de vérification inconnue")


# --- relative IRIs -----------------------------------------------------------------------------------------------


def test_an_undefined_type_is_refused_not_resolved_against_a_default_base(key, unsigned):
    document = copy.deepcopy(unsigned)
    document["@context"] = [ob3.CREDENTIALS_V2_CONTEXT]
    document["type"] = ["VerifiableCredential", "TypeInconnu"]
    document["credentialSubject"] = {"id": "did:example:abcdefgh"}
    with pytest.raises(ob3.CanonicalizationError, match="Adresse relative refusée : 'TypeInconnu'"):
        ob3.canonicalize(document)


def test_a_relative_id_is_refused(unsigned):
    document = {**unsigned, "id": "titres/42"}
    with pytest.raises(ob3.CanonicalizationError, match="Adresse relative refusée : 'titres/42'"):
        ob3.canonicalize(document)


def test_an_inline_base_is_refused(key, unsigned):
    signed = ob3.sign(unsigned, key, VM, "2026-01-01T00:00:00Z")
    signed["@context"] = [*signed["@context"], {"@base": "https://ailleurs.example/"}]
    ok, reason = ob3.verify(signed, ours(key), now=NOW)
    assert not ok
    assert "@base" in reason


def test_absolute_ids_urns_dids_and_blank_nodes_are_fine(unsigned):
    assert ob3.canonicalize({**unsigned, "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33"})
    assert ob3.canonicalize({**unsigned, "id": "did:web:exemple.fr"})
    assert ob3.canonicalize({k: v for k, v in unsigned.items() if k != "id"})


# --- contexts ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        ob3.OB_CONTEXT_300,
        ob3.OB_CONTEXT_301,
        ob3.OB_CONTEXT_302,
        ob3.OB_CONTEXT,
        ob3.CREDENTIALS_EXAMPLES_V2_CONTEXT,
    ],
)
def test_the_open_badges_and_examples_contexts_are_bundled(url, monkeypatch):
    monkeypatch.setattr("urllib.request.urlopen", _no_network)
    document = ob3.document_loader(url)["document"]
    assert "@context" in document


def test_a_credential_with_the_3_0_2_context_signs_and_verifies(key):
    from tests.credentials.test_ob3 import make_credential

    credential = make_credential()
    credential["@context"] = [ob3.CREDENTIALS_V2_CONTEXT, ob3.OB_CONTEXT_302, ob3.OB_EXTENSIONS_CONTEXT]
    signed = ob3.sign(credential, key, VM, "2026-01-01T00:00:00Z")
    assert ob3.verify(signed, ours(key), now=NOW) == (True, ob3.MSG_VALID)


@pytest.mark.parametrize("url", [ob3.OB_CONTEXT_300, ob3.OB_CONTEXT_301])
def test_contexts_3_0_0_and_3_0_1_with_vc_2_0_get_a_clear_refusal(key, url):
    """3.0.0 and 3.0.1 were written for VC 1.1: after the VC 2.0 context they redefine its protected terms, which
    JSON-LD forbids. Bundled (read without network), refused with the processor's reason."""
    from tests.credentials.test_ob3 import make_credential

    credential = make_credential()
    credential["@context"] = [ob3.CREDENTIALS_V2_CONTEXT, url, ob3.OB_EXTENSIONS_CONTEXT]
    with pytest.raises(ob3.CanonicalizationError, match="protected term"):
        ob3.canonicalize(credential)


# --- recursion inside the JSON-LD processor ------------------------------------------------------------------


def chained_terms(n: int = 1000) -> dict:
    """A context where each term is defined from the next one: pyld recurses once per link (RecursionError)."""
    context = {f"t{i}": f"t{i - 1}:a/" for i in range(n - 1, 0, -1)}
    context["t0"] = "https://exemple.test/"
    return context


def test_recursion_inside_the_jsonld_processor_is_a_reason_not_a_crash(key, unsigned):
    signed = ob3.sign(unsigned, key, VM, "2026-01-01T00:00:00Z")
    signed["@context"] = [*signed["@context"], chained_terms()]
    ok, reason = ob3.verify(signed, ours(key), now=NOW)
    assert not ok
    assert reason.startswith("Document trop complexe")


# --- did:key, did:web ------------------------------------------------------------------------------------------


def test_did_key_with_or_without_its_fragment():
    did = "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    assert ob3.did_key_public_key(did) is not None
    assert ob3.did_key_public_key(did + "#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi") is not None
    assert ob3.did_key_public_key(did + "#autre") is None
    assert ob3.did_key_public_key("did:key:zPasUneCle") is None
    assert ob3.did_key_public_key("did:example:z6Mk") is None


@pytest.mark.parametrize(
    ("url", "did", "document_url"),
    [
        ("https://compagnons.fr", "did:web:compagnons.fr", "https://compagnons.fr/.well-known/did.json"),
        ("http://127.0.0.1:8000/", "did:web:127.0.0.1%3A8000", "https://127.0.0.1:8000/.well-known/did.json"),
        ("https://exemple.fr/maison/sud", "did:web:exemple.fr:maison:sud", "https://exemple.fr/maison/sud/did.json"),
    ],
)
def test_did_web_both_ways(url, did, document_url):
    assert ob3.did_web(url) == did
    assert ob3.did_web_document_url(did) == document_url


@pytest.mark.parametrize(
    "did", ["did:key:z6Mk", "did:web:", "did:web:exemple.fr/x", "did:web:ex ample.fr", "did:web:a::b"]
)
def test_malformed_did_web_are_refused(did):
    with pytest.raises(ValueError):
        ob3.did_web_document_url(did)
