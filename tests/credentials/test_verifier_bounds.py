"""The public verifier bounds what it canonicalizes: JSON-LD canonicalization (pyld, RDFC-1.0) cannot be
interrupted, so a document that would hold a worker for minutes is refused before it reaches it.

Spies replace the costly steps with an error: were a bound missing, the test would fail at once instead of
spending minutes in pyld.
"""

import copy
import json
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse

from compagnons.credentials import ob3, verification

pytestmark = pytest.mark.django_db

VECTORS = Path(__file__).parent / "vectors"  # origins in its README
P = "https://exemple.test/p"


@pytest.fixture
def signed(credential):
    return credential.document


def _attack(signed, **payload) -> dict:
    """Our own proof (known key, well-formed 64-byte signature) on a hostile body: verification reaches the
    canonicalization unless a bound stops it first."""
    return {"@context": signed["@context"], "id": signed["id"], **payload, "proof": copy.deepcopy(signed["proof"])}


def _post(client, text: str):
    response = client.post(reverse("credentials:check"), {"document": text})
    assert response.status_code == 200
    return response.content.decode()


def _never(*args, **kwargs):
    raise AssertionError("reached the costly step")


_real_rdfc = ob3._rdfc


def _rdfc_of_proof_configs_only(dataset):
    """RDFC-1.0 runs for the proof's configuration (a few quads), never for the hostile body."""
    if sum(len(quads) for quads in dataset.values()) > 20:
        raise AssertionError("RDFC-1.0 reached for the document")
    return _real_rdfc(dataset)


def test_blank_nodes_all_linked_to_each_other_are_refused_before_canonicalization(client, signed):
    """8 blank nodes linked to each other (1.6 KB): 40 s of RDFC-1.0 before the bound."""
    clique = [{"@id": f"_:b{i}", P: [{"@id": f"_:b{j}"} for j in range(8) if j != i]} for i in range(8)]
    with mock.patch.object(ob3, "canonicalize", side_effect=_never) as canonicalize:
        html = _post(client, json.dumps(_attack(signed, **{"@graph": clique})))
    assert "nœuds anonymes nommés" in html
    assert "ne peut pas être tenu pour valide" in html
    canonicalize.assert_not_called()


@pytest.mark.parametrize("depth", [400, 800])
def test_deep_nesting_is_refused_before_canonicalization(client, signed, depth):
    """400 levels (8 KB): 68 s of pyld; 800: a RecursionError, a 500."""
    nested = {P: "x"}
    for _ in range(depth):
        nested = {P: nested}
    attack = _attack(signed, **{P: nested})
    with mock.patch.object(ob3, "canonicalize", side_effect=_never) as canonicalize:
        html = _post(client, json.dumps(attack))  # the pasted text is measured before it is parsed
        verdict = verification.check(attack)  # and any document before it is canonicalized
    assert "Ce texte imbrique trop de niveaux (plus de 32)" in html
    assert not verdict.ok and verdict.refusal.startswith("Document trop imbriqué : plus de 32 niveaux")
    assert ob3.verify(attack, verification.resolve_key)[1] == verdict.refusal
    canonicalize.assert_not_called()


def test_blank_nodes_that_cannot_be_told_apart_are_refused_before_rdfc(client, signed):
    """A tree of identical anonymous objects (1.1 KB, no « _: » label): each extra sibling multiplies RDFC-1.0's
    permutations. It is measured on the RDF dataset, before RDFC-1.0 proper."""
    leaf = {P: "x"}
    tree = {P: [{P: [dict(leaf) for _ in range(7)]} for _ in range(7)]}
    assert ob3.check_bounds(tree) is None  # small enough as JSON: the dataset bound is what stops it
    with mock.patch.object(ob3, "_rdfc", side_effect=_rdfc_of_proof_configs_only):
        html = _post(client, json.dumps(_attack(signed, **{P: tree})))
    assert "nœuds anonymes indiscernables" in html


def test_too_many_quads_are_refused_before_rdfc(signed):
    listed = {"@list": [str(i) for i in range(ob3.MAX_QUADS)]}
    with mock.patch.object(ob3, "_rdfc", side_effect=_rdfc_of_proof_configs_only):
        ok, reason = ob3.verify(_attack(signed, **{P: listed}), verification.resolve_key)
    assert not ok and "affirmations RDF" in reason


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({P: [{P: str(i)} for i in range(ob3.MAX_ANONYMOUS_OBJECTS + 1)]}, "objets sans identifiant"),
        ({P: [{"id": f"https://exemple.test/{i}"} for i in range(ob3.MAX_OBJECTS + 1)]}, "plus de 1000 objets"),
        ({P: list(range(ob3.MAX_VALUES + 1))}, "valeurs JSON"),
    ],
)
def test_oversized_documents_are_refused_before_canonicalization(signed, payload, reason):
    with mock.patch.object(ob3, "canonicalize", side_effect=_never) as canonicalize:
        verdict = verification.check(_attack(signed, **payload))
    assert not verdict.ok and reason in verdict.refusal
    canonicalize.assert_not_called()


def test_rdfc_has_a_last_budget(monkeypatch):
    """Behind the bounds, RDFC-1.0 counts its Hash N-Degree Quads calls and stops (deterministic, no timer)."""
    clique = {"@graph": [{"@id": f"_:b{i}", P: [{"@id": f"_:b{j}"} for j in range(4) if j != i]} for i in range(4)]}
    assert ob3.canonicalize(clique)
    monkeypatch.setattr(ob3, "MAX_N_DEGREE_HASHES", 3)
    with pytest.raises(ob3.CanonicalizationError, match="trop de calculs"):
        ob3.canonicalize(clique)


def test_an_overlong_proof_value_is_refused_before_base58_decoding(client, signed):
    """250,000 base58 characters took 8.8 s to decode (quadratic); an Ed25519 signature is about 88."""
    forged = copy.deepcopy(signed)
    forged["proof"][0]["proofValue"] = "z" + "2" * 250_000
    with mock.patch.object(ob3, "base58btc_decode", side_effect=_never) as decode:
        html = _post(client, json.dumps(forged))
    assert "bien trop longue pour une signature Ed25519" in html
    decode.assert_not_called()
    assert len(signed["proof"][0]["proofValue"]) <= ob3.MAX_PROOF_VALUE_CHARS


@pytest.mark.parametrize("field", ["validFrom", "validUntil"])
def test_dates_without_a_time_zone_get_a_reason_not_a_500(client, signed, field):
    document = dict(signed, **{field: "2025-01-31T09:30:00"})
    html = _post(client, json.dumps(document))
    assert "doivent indiquer leur fuseau horaire" in html


def test_an_illegible_end_date_is_said(signed):
    verdict = verification.check(dict(signed, validUntil="demain"))
    assert not verdict.dates_ok and "fin de validité est illisible" in verdict.dates_reason


def test_brackets_by_the_hundred_thousand_get_a_reason_not_a_500(client):
    with mock.patch.object(json, "loads", side_effect=_never) as loads:
        html = _post(client, "[" * 100_000)
    assert "imbrique trop de niveaux" in html
    loads.assert_not_called()
    # brackets inside strings are text, not nesting
    assert not ob3.json_text_too_deep(json.dumps({"name": "[" * 1000, "x": [[["]]]"]]]}))
    assert ob3.json_text_too_deep("[" * 33 + "]" * 33) and not ob3.json_text_too_deep("[" * 32 + "]" * 32)


def test_a_paste_over_256_kib_is_refused_not_truncated(client):
    html = _post(client, " " * (256 * 1024 + 1) + "{}")
    assert "Le texte collé est trop long" in html


def test_real_credentials_are_well_within_the_bounds(client, signed):
    """The official OB 3.0 examples and our own credentials pass every bound and still verify."""
    complete = json.loads((VECTORS / "1edtech-validator/complete.json").read_text())
    examples = json.loads((VECTORS / "1edtech-ob3/spec-examples.json").read_text())
    for document in [complete, signed, *examples]:
        assert ob3.check_bounds(document) is None
    # complete.json's embedded endorsements repeat blank nodes (20 twins, groups of 4 at most): canonicalized
    assert ob3.canonicalize({k: v for k, v in complete.items() if k != "proof"}).count("\n") > 300
    html = _post(client, json.dumps(signed))
    assert "authentique et valide" in html


# --- never a 500 (issue 20) ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["[" * 900 + "]" * 900, '{"a":' * 900 + "1" + "}" * 900, "[" * 100_000])
def test_deeply_nested_json_pasted_gives_a_french_message(client, text):
    html = _post(client, text)
    assert "imbrique trop de niveaux" in html


def test_deeply_nested_json_uploaded_gives_a_french_message(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("titre.json", ("[" * 900 + "]" * 900).encode(), content_type="application/json")
    response = client.post(reverse("credentials:check"), {"file": upload})
    assert response.status_code == 200
    assert "imbrique trop de niveaux" in response.content.decode()


def test_recursion_inside_the_jsonld_processor_gives_a_french_message(client, signed):
    """A context whose terms are each defined from the next: pyld recurses once per link (RecursionError)."""
    context = {f"t{i}": f"t{i - 1}:a/" for i in range(999, 0, -1)}
    context["t0"] = "https://exemple.test/"
    document = copy.deepcopy(signed)
    document["@context"] = [*document["@context"], context]
    html = _post(client, json.dumps(document))
    assert "Document trop complexe" in html


@pytest.mark.parametrize(
    "text",
    [
        "null",
        "[]",
        '{"proof": 3}',
        '{"@context": 5, "proof": [{}]}',
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], "validFrom": 12, '
        '"proof": {"type": "DataIntegrityProof"}}',
        '{"@context": ["https://inconnu.example/ctx"], "proof": [{"type": "DataIntegrityProof", "cryptosuite": '
        '"eddsa-rdfc-2022", "proofPurpose": "assertionMethod", "verificationMethod": "did:key:z6Mk", '
        '"proofValue": "z' + "1" * 60 + '"}]}',
        '{"id": {"x": 1}, "issuer": [1], "proof": []}',
        "\x00",
    ],
)
def test_odd_documents_never_crash_the_page(client, text):
    _post(client, text)
