"""Open Badges 3.0 credentials: build, sign, verify, validate, revoke.

A pure library (no Django import) around the W3C / 1EdTech specifications:

- Verifiable Credentials Data Model 2.0 + Open Badges 3.0 (contexts 3.0.0 to 3.0.3; 3.0.3 is what we issue);
- Data Integrity proof, cryptosuite ``eddsa-rdfc-2022`` (W3C Data Integrity EdDSA Cryptosuites v1.0):
  RDFC-1.0 (URDNA2015) canonicalization with pyld, SHA-256, Ed25519 with ``cryptography``;
- Multikey public keys (``publicKeyMultibase`` = 'z' + base58btc(0xed01 + raw key));
- 1EdTech JSON Schema (draft 2019-09) validation with jsonschema;
- W3C Bitstring Status List v1.0 for revocation.

JSON-LD contexts and the schema are bundled next to this module: nothing is ever fetched over the network.

Conformance choices (docs/certification.md says why):

- proof sets and chains follow Verifiable Credential Data Integrity 1.0, "Verify Proof Sets and Chains": every
  ``DataIntegrityProof`` must verify; a proof naming a ``previousProof`` (a string or an array of strings) was
  signed over the document carrying the proofs it names, which must be in the set;
- a proof of another ``type`` (not a Data Integrity proof) is ignored, and said in the reason; at least one
  supported proof must verify;
- ``created`` and ``expires`` are XML Schema ``dateTimeStamp``: without a time zone offset they are refused;
  ``expires`` must be after ``created`` and in the future;
- relative IRIs (an undefined type, a relative ``@id``) and an inline ``@base`` are refused: nothing is resolved
  against a default base;
- keys: ``did:key`` verification methods are read from the identifier itself (no network); any other is resolved
  by the caller (``resolve_key``).
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jsonschema import Draft201909Validator
from pyld.canon import URDNA2015
from pyld.jsonld import JsonLdError, JsonLdProcessor
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT201909

__all__ = [
    "ACHIEVEMENT_TYPES",
    "CONTEXTS",
    "CREDENTIALS_EXAMPLES_V2_CONTEXT",
    "CREDENTIALS_V2_CONTEXT",
    "CRYPTOSUITE",
    "DATA_INTEGRITY_V2_CONTEXT",
    "DID_V1_CONTEXT",
    "MULTIKEY_V1_CONTEXT",
    "OB_CONTEXT",
    "OB_EXTENSIONS_CONTEXT",
    "OB_SCHEMA_URL",
    "STATUS_LIST_MIN_SIZE",
    "Alignment",
    "CanonicalizationError",
    "Evidence",
    "base58btc_decode",
    "base58btc_encode",
    "bitstring_status_list",
    "build_credential",
    "build_endorsement",
    "build_status_list_credential",
    "canonicalize",
    "check_bounds",
    "did_key_public_key",
    "did_web",
    "did_web_document_url",
    "document_loader",
    "format_datetime",
    "generate_key",
    "hash_data",
    "hash_identity",
    "is_endorsement",
    "is_revoked",
    "json_text_too_deep",
    "load_private_key",
    "multikey_document",
    "private_key_to_pem",
    "public_key_from_multibase",
    "public_multibase",
    "sign",
    "validate_endorsement",
    "validate_schema",
    "verify",
]

_HERE = Path(__file__).resolve().parent
_CONTEXTS_DIR = _HERE / "contexts"
_SCHEMA_PATH = _HERE / "schema" / "ob_v3p0_achievementcredential_schema.json"

CREDENTIALS_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_CONTEXT_300 = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
OB_CONTEXT_301 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
OB_CONTEXT_302 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
CREDENTIALS_EXAMPLES_V2_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY_V2_CONTEXT = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1_CONTEXT = "https://w3id.org/security/multikey/v1"
DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1"

#: URL → bundled file (README of the spec folder). The ONLY documents the JSON-LD processor may load.
CONTEXTS: dict[str, str] = {
    CREDENTIALS_V2_CONTEXT: "credentials-v2.json",
    OB_CONTEXT: "ob-v3p0-context-3.0.3.json",
    OB_CONTEXT_302: "ob-v3p0-context-3.0.2.json",
    OB_CONTEXT_301: "ob-v3p0-context-3.0.1.json",
    OB_CONTEXT_300: "ob-v3p0-context-3.0.0.json",
    CREDENTIALS_EXAMPLES_V2_CONTEXT: "credentials-examples-v2.json",
    OB_EXTENSIONS_CONTEXT: "ob-v3p0-extensions.json",
    DATA_INTEGRITY_V2_CONTEXT: "security-data-integrity-v2.json",
    MULTIKEY_V1_CONTEXT: "security-multikey-v1.json",
    DID_V1_CONTEXT: "did-v1.json",
}

#: Where 1EdTech serves the schema (value of ``credentialSchema[].id``).
OB_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
OB_SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"

ACHIEVEMENT_TYPES = ("Competency", "Certification")

#: Bitstring Status List v1.0: "the uncompressed bitstring MUST be at least 16KB in size".
STATUS_LIST_MIN_SIZE = 16 * 1024 * 8  # 131072 bits
_STATUS_LIST_MAX_BYTES = 16 * 1024 * 1024  # refuse to inflate anything bigger (gzip bomb guard)

_MULTICODEC_ED25519_PUB = b"\xed\x01"

MSG_TAMPERED = "La signature ne correspond pas : le document a été modifié."

# Bounds on what is canonicalized. RDFC-1.0 is exponential in the worst case (blank nodes it cannot tell apart),
# pyld recurses with the nesting and cannot be interrupted: an untrusted document is measured BEFORE any JSON-LD
# processing, then its RDF dataset before RDFC-1.0 proper. Real credentials are far below: the largest official
# OB 3.0 example (1EdTech's complete.json) nests 10 levels deep, with 87 objects (33 without an id), 553 JSON
# values, no blank node label and no blank node that first-degree hashing cannot tell apart.
MAX_DEPTH = 32  #: nesting of objects and arrays
MAX_OBJECTS = 1_000
MAX_ANONYMOUS_OBJECTS = 250  #: objects without id / @id, i.e. blank nodes
MAX_VALUES = 20_000  #: every JSON value, containers included
MAX_BLANK_NODE_LABELS = 16  #: strings written "_:…" (explicit blank nodes, which can link to each other)
MAX_QUADS = 5_000  #: RDF quads after expansion
#: Blank nodes sharing a first-degree hash ("twins"): RDFC-1.0 tells them apart by trying every permutation of
#: them (n!). complete.json has 20 twins, in groups of at most 4 (its embedded endorsements repeat a profile).
MAX_TWINS_PER_GROUP = 4
MAX_TWIN_BLANK_NODES = 64
#: Calls of RDFC-1.0's Hash N-Degree Quads (each permutes at most MAX_TWINS_PER_GROUP nodes): a last guard.
MAX_N_DEGREE_HASHES = 2_000
#: An Ed25519 signature is 64 bytes, 86–88 base58 characters; base58 decoding is quadratic in the length.
MAX_PROOF_VALUE_CHARS = 100
#: Proofs in one document (a set, or a chain): each one canonicalizes the document again.
MAX_PROOFS = 8
MSG_VALID = "Signature valide."


class CanonicalizationError(ValueError):
    """The document cannot be canonicalized safely (invalid JSON-LD, unknown context, undefined term)."""


# --------------------------------------------------------------------------------------------------------------
# JSON-LD document loader (offline)
# --------------------------------------------------------------------------------------------------------------


@cache
def _context_text(url: str) -> str:
    return (_CONTEXTS_DIR / CONTEXTS[url]).read_text(encoding="utf-8")


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader serving only the bundled contexts; any other URL raises ``JsonLdError``.

    Never touches the network.
    """
    if url not in CONTEXTS:
        raise JsonLdError(
            f"Contexte JSON-LD inconnu, refusé (aucun accès réseau) : {url}",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {
        "contextUrl": None,
        "documentUrl": url,
        "contentType": "application/ld+json",
        # a fresh object each time: pyld must never be able to alter the bundled copy
        "document": json.loads(_context_text(url)),
    }


# --------------------------------------------------------------------------------------------------------------
# base58btc / multibase
# --------------------------------------------------------------------------------------------------------------

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


def base58btc_encode(data: bytes) -> str:
    """Bitcoin base58 (no multibase prefix)."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(_B58_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(out))


def base58btc_decode(text: str) -> bytes:
    """Inverse of :func:`base58btc_encode`; ``ValueError`` on a character outside the alphabet."""
    n = 0
    for char in text:
        try:
            n = n * 58 + _B58_INDEX[char]
        except KeyError:
            raise ValueError(f"Caractère base58 invalide : {char!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


# --------------------------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------------------------


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_to_pem(key: Ed25519PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM (store the file with 0600 permissions)."""
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """Load an unencrypted PEM Ed25519 private key; ``TypeError`` if the file holds another kind of key."""
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError(f"{path} : la clé n'est pas une clé Ed25519.")
    return key


def _raw_public(public_key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    if isinstance(public_key, Ed25519PrivateKey):
        public_key = public_key.public_key()
    return public_key.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)


def public_multibase(public_key: Ed25519PublicKey) -> str:
    """Multikey ``publicKeyMultibase``: 'z' + base58btc(0xed 0x01 + 32-byte raw key), i.e. ``z6Mk…``."""
    return "z" + base58btc_encode(_MULTICODEC_ED25519_PUB + _raw_public(public_key))


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Inverse of :func:`public_multibase`; ``ValueError`` if it is not an Ed25519 Multikey."""
    if not value.startswith("z"):
        raise ValueError("publicKeyMultibase doit commencer par « z » (base58btc).")
    raw = base58btc_decode(value[1:])
    if len(raw) != 34 or not raw.startswith(_MULTICODEC_ED25519_PUB):
        raise ValueError("publicKeyMultibase n'est pas une clé publique Ed25519 (préfixe 0xed01 + 32 octets).")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def multikey_document(verification_method: str, controller: str, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The Multikey verification method document to publish at ``verification_method``."""
    return {
        "@context": [MULTIKEY_V1_CONTEXT],
        "id": verification_method,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_multibase(public_key),
    }


# --------------------------------------------------------------------------------------------------------------
# Bounds on untrusted documents (checked before any canonicalization)
# --------------------------------------------------------------------------------------------------------------

_JSON_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET_RE = re.compile(r"[\[\]{}]")


def json_text_too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text nests objects/arrays deeper than ``limit``, found without parsing it (the parser itself
    recurses: 100,000 × ``[`` is a ``RecursionError``). Linear: strings are skipped, then brackets counted."""
    depth = 0
    for match in _JSON_BRACKET_RE.finditer(_JSON_STRING_RE.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def check_bounds(document: Any) -> str | None:
    """``None`` if ``document`` is within the bounds above, else the French reason for refusing it.

    Iterative (no recursion, whatever the depth) and stops at the first bound exceeded.
    """
    objects = anonymous = values = labels = 0
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        values += 1
        if values > MAX_VALUES:
            return (
                f"Document trop volumineux : plus de {MAX_VALUES} valeurs JSON (un titre en compte quelques centaines)."
            )
        if isinstance(value, dict | list) and depth > MAX_DEPTH:
            return f"Document trop imbriqué : plus de {MAX_DEPTH} niveaux (un titre en compte une dizaine)."
        if isinstance(value, dict):
            objects += 1
            if "id" not in value and "@id" not in value:
                anonymous += 1
            labels += sum(1 for key in value if isinstance(key, str) and key.startswith("_:"))
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and value.startswith("_:"):
            labels += 1
        if objects > MAX_OBJECTS:
            return f"Document trop volumineux : plus de {MAX_OBJECTS} objets (un titre en compte moins d'une centaine)."
        if anonymous > MAX_ANONYMOUS_OBJECTS:
            return (
                f"Document trop complexe : plus de {MAX_ANONYMOUS_OBJECTS} objets sans identifiant "
                "(un titre en compte quelques dizaines)."
            )
        if labels > MAX_BLANK_NODE_LABELS:
            return (
                f"Document trop complexe : plus de {MAX_BLANK_NODE_LABELS} nœuds anonymes nommés « _: » "
                "(un titre n'en a pas)."
            )
    return None


def _dataset_problem(dataset: Mapping[str, list]) -> str | None:
    """Bounds on the RDF dataset (after expansion, before RDFC-1.0 proper): quads, and the blank nodes whose
    first-degree hashes collide, which RDFC-1.0 tells apart by trying every permutation of them."""
    quads = sum(len(triples) for triples in dataset.values())
    if quads > MAX_QUADS:
        return f"Document trop volumineux : plus de {MAX_QUADS} affirmations RDF (un titre en compte une centaine)."
    probe = URDNA2015()  # its steps 2 and 5 only (linear): first-degree hashes, on copies of the quads
    for graph_name, triples in dataset.items():
        for triple in triples:
            quad = dict(triple)
            if graph_name != "@default":
                quad["name"] = {"type": "blank node" if graph_name.startswith("_:") else "IRI", "value": graph_name}
            for key, component in quad.items():
                if key != "predicate" and component["type"] == "blank node":
                    probe.blank_node_info.setdefault(component["value"], {"quads": []})["quads"].append(quad)
    hashes: dict[str, int] = {}
    for node in probe.blank_node_info:
        digest = probe.hash_first_degree_quads(node)
        hashes[digest] = hashes.get(digest, 0) + 1
    largest = max(hashes.values(), default=0)
    twins = sum(n for n in hashes.values() if n > 1)
    if largest > MAX_TWINS_PER_GROUP or twins > MAX_TWIN_BLANK_NODES:
        return (
            f"Document trop complexe : {max(largest, twins)} nœuds anonymes indiscernables "
            f"(au plus {MAX_TWINS_PER_GROUP} semblables, {MAX_TWIN_BLANK_NODES} en tout ; un titre en a peu ou pas)."
        )
    return None


class _BoundedRDFC(URDNA2015):
    """RDFC-1.0 with a budget of Hash N-Degree Quads calls: a deterministic guard, not a timer."""

    def __init__(self):
        super().__init__()
        self.n_degree_hashes = 0

    def hash_n_degree_quads(self, id_, issuer):
        self.n_degree_hashes += 1
        if self.n_degree_hashes > MAX_N_DEGREE_HASHES:
            raise CanonicalizationError("Document trop complexe : sa forme canonique demanderait trop de calculs.")
        return super().hash_n_degree_quads(id_, issuer)


# --------------------------------------------------------------------------------------------------------------
# Canonicalization (RDFC-1.0 == URDNA2015) and hashing
# --------------------------------------------------------------------------------------------------------------


def _refuse_dropped_property(expanded_property: str | None) -> None:
    # JSON-LD "safe mode": a term the contexts do not define would silently vanish from the canonical form,
    # hence from what is signed. Refuse rather than sign (or accept) data that is not covered by the proof.
    raise CanonicalizationError(
        f"Propriété non définie dans les contextes JSON-LD (elle ne serait pas signée) : {expanded_property!r}"
    )


def canonicalize(doc: Mapping[str, Any]) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document, contexts loaded from disk only.

    Raises :class:`CanonicalizationError` for invalid JSON-LD, an unknown context, an undefined term, or a
    document beyond the bounds (:func:`check_bounds`, then the dataset's size and twin blank nodes), which is
    refused before RDFC-1.0 runs: what pyld is given always finishes quickly.
    """
    problem = check_bounds(doc)
    if problem:
        raise CanonicalizationError(problem)
    if _has_inline_base(doc):
        raise CanonicalizationError(
            "Document refusé : il fixe sa propre base d'adresses (@base) ; les adresses d'un titre doivent être "
            "absolues."
        )
    processor = JsonLdProcessor(on_property_dropped=_refuse_dropped_property)
    # pyld resolves a relative IRI against a default base (http://example.org/base/) when given none: give it one
    # that can be recognised, in a reserved top-level domain (RFC 2606), and refuse what ends up under it.
    options = {"documentLoader": document_loader, "base": _RELATIVE_BASE, "produceGeneralizedRdf": False}
    try:
        expanded = processor.expand(copy.deepcopy(dict(doc)), dict(options))
        relative = _relative_iri(expanded)
        if relative is not None:
            raise CanonicalizationError(
                f"Adresse relative refusée : {relative!r} (un type non défini par les contextes, ou un identifiant "
                "qui n'est pas une adresse absolue ; elle ne serait résolue contre aucune base)."
            )
        # what JsonLdProcessor.normalize does, with the dataset measured between its two steps
        dataset = processor.to_rdf(expanded, dict(options))
    except JsonLdError as exc:
        raise CanonicalizationError(f"Document JSON-LD invalide : {_jsonld_reason(exc)}") from exc
    except RecursionError as exc:
        # e.g. a chain of a thousand terms each defined from the previous one: pyld recurses once per link
        raise CanonicalizationError(
            "Document trop complexe : ses définitions JSON-LD s'enchaînent trop profondément pour être lues."
        ) from exc
    problem = _dataset_problem(dataset)
    if problem:
        raise CanonicalizationError(problem)
    return _rdfc(dataset)


_ABSOLUTE_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_RELATIVE_BASE = "https://iri-relative.invalid/"


def _absolute_or_blank(value: str) -> bool:
    if value.startswith(_RELATIVE_BASE):
        return False
    return value.startswith(("_:", "@")) or bool(_ABSOLUTE_IRI_RE.match(value))


def _relative_iri(expanded: Any) -> str | None:
    """The first relative IRI in an expanded JSON-LD document (an ``@id``, a ``@type``, a property), else None.

    Expanded against a base nobody uses, what was relative is under it: RDF would silently drop it (an ``@id``) or
    keep a meaningless IRI (a type). Iterative; ``@value`` contents are data, not IRIs."""
    stack = [expanded]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict):
            continue
        for key, item in value.items():
            if key == "@value":
                continue
            if key in ("@id", "@type"):
                for iri in item if isinstance(item, list) else [item]:
                    if isinstance(iri, str) and not _absolute_or_blank(iri):
                        return iri.removeprefix(_RELATIVE_BASE)
                continue
            if not key.startswith("@") and not _absolute_or_blank(key):
                return key.removeprefix(_RELATIVE_BASE)
            if isinstance(item, dict | list):
                stack.append(item)
    return None


def _has_inline_base(doc: Any) -> bool:
    stack = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if "@base" in value:
                return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _rdfc(dataset: dict[str, list]) -> str:
    """RDFC-1.0 proper (exponential in the twin blank nodes: only ever given a bounded dataset)."""
    return _BoundedRDFC().main(dataset, {"format": "application/n-quads"})


def _jsonld_reason(exc: BaseException) -> str:
    # pyld wraps errors several levels deep; the innermost message is the useful one.
    reasons = []
    while exc is not None:
        if exc.args:
            reasons.append(str(exc.args[0]))
        exc = exc.__cause__
    return reasons[-1] if reasons else "erreur inconnue"


def hash_data(unsecured_document: Mapping[str, Any], proof_config: Mapping[str, Any]) -> bytes:
    """eddsa-rdfc-2022 "Hashing": SHA-256(canonical proof config) ‖ SHA-256(canonical document) — 64 bytes.

    ``proof_config`` must carry the document's ``@context`` (see :func:`_proof_config`).
    """
    proof_config_hash = hashlib.sha256(canonicalize(proof_config).encode("utf-8")).digest()
    transformed_document_hash = hashlib.sha256(canonicalize(unsecured_document).encode("utf-8")).digest()
    return proof_config_hash + transformed_document_hash


def _proof_config(proof: Mapping[str, Any], context: Any) -> dict[str, Any]:
    """eddsa-rdfc-2022 "Proof Configuration": the proof without ``proofValue``, with the document's context."""
    config = {k: copy.deepcopy(v) for k, v in proof.items() if k != "proofValue"}
    config["@context"] = copy.deepcopy(context)
    return config


# --------------------------------------------------------------------------------------------------------------
# Sign / verify (Data Integrity, eddsa-rdfc-2022)
# --------------------------------------------------------------------------------------------------------------

_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_NAIVE_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")


def format_datetime(value: datetime | str) -> str:
    """An XML Schema dateTimeStamp, ``2026-01-31T09:30:00Z`` (UTC, seconds) — as VC ``validFrom``/``created``."""
    if isinstance(value, str):
        if not _DATETIME_RE.match(value):
            raise ValueError(f"Date invalide (attendu : AAAA-MM-JJThh:mm:ssZ) : {value!r}")
        return value
    if value.tzinfo is None:
        raise ValueError("La date doit porter un fuseau horaire (aware datetime).")
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    credential: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | str,
    *,
    expires: datetime | str | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
) -> dict[str, Any]:
    """Return a copy of ``credential`` with an embedded ``DataIntegrityProof`` (eddsa-rdfc-2022).

    The proof is appended to ``proof`` (always an ARRAY, as the OB 3.0 schema requires). Existing proofs are
    kept (proof set): each one signs the document without any ``proof`` — unless ``previous_proof`` names some of
    them (a proof chain): then it signs the document carrying those (Data Integrity 1.0, "Add Proof").
    """
    if "@context" not in credential:
        raise ValueError("Le document à signer n'a pas de @context.")
    unsecured = {k: copy.deepcopy(v) for k, v in credential.items() if k != "proof"}
    existing = credential.get("proof", [])
    existing = [existing] if isinstance(existing, Mapping) else list(existing)
    proof: dict[str, Any] = {"type": PROOF_TYPE}
    if proof_id is not None:
        proof["id"] = proof_id
    proof |= {
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    if expires is not None:
        proof["expires"] = format_datetime(expires)
    document: dict[str, Any] = unsecured
    if previous_proof is not None:
        proof["previousProof"] = previous_proof
        document = {**unsecured, "proof": _previous_proofs(proof, existing)}
    data = hash_data(document, _proof_config(proof, unsecured["@context"]))
    proof["proofValue"] = "z" + base58btc_encode(private_key.sign(data))
    return {**unsecured, "proof": [*copy.deepcopy(existing), proof]}


def verify(
    credential: Mapping[str, Any],
    resolve_key: Callable[[str], Ed25519PublicKey | None],
    *,
    now: datetime | None = None,
) -> tuple[bool, str]:
    """Check every embedded proof; ``(True, "Signature valide.")`` or ``(False, <French reason>)``.

    ``resolve_key(verification_method)`` is provided by the app: it returns the Ed25519 public key registered
    for that verification method id (current or rotated-out key), or None if unknown. It is the app's job to
    make sure that key belongs to the credential's issuer. ``did:key`` methods need no resolver: the key is the
    identifier (see :func:`did_key_public_key`), tried when ``resolve_key`` knows nothing of it.

    A proof set (several proofs) verifies when every Data Integrity proof does; a proof with ``previousProof``
    verifies over the document carrying the proofs it names (Data Integrity 1.0, proof chains). Proofs of another
    type are ignored and said so; ``now`` (default: the current time) judges ``proof.expires``.
    """
    if not isinstance(credential, Mapping):
        return False, "Le document n'est pas un objet JSON."
    problem = check_bounds(credential)
    if problem:
        return False, problem
    proofs = credential.get("proof")
    if isinstance(proofs, Mapping):
        proofs = [proofs]
    if not proofs or not isinstance(proofs, list):
        return False, "Le document ne porte aucune preuve (proof)."
    if len(proofs) > MAX_PROOFS:
        return False, f"Trop de preuves : {len(proofs)} (au plus {MAX_PROOFS})."
    context = credential.get("@context")
    if context is None:
        return False, "Le document n'a pas de @context."
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    now = now or datetime.now(UTC)

    supported = [p for p in proofs if isinstance(p, Mapping) and p.get("type") == PROOF_TYPE]
    others = len(proofs) - len(supported)
    if not supported:
        first = proofs[0]
        if not isinstance(first, Mapping):
            return False, "Preuve invalide : ce n'est pas un objet JSON."
        return False, f"Type de preuve non pris en charge : {first.get('type')!r} (attendu : {PROOF_TYPE})."
    chains = []
    for proof in supported:  # the chain rule first: a broken chain is said as such, whatever else is wrong
        try:
            chains.append(_previous_proofs(proof, proofs))
        except ValueError as exc:
            return False, str(exc)
    for proof, previous in zip(supported, chains, strict=True):
        document = {**unsecured, "proof": previous} if previous else unsecured
        ok, reason = _verify_proof(document, context, proof, resolve_key, now)
        if not ok:
            return False, reason
    if others:
        return True, (
            f"{MSG_VALID} ({others} preuve(s) d'un autre type que {PROOF_TYPE}, que ce vérificateur ne lit pas, "
            "ignorée(s).)"
        )
    return True, MSG_VALID


def _previous_proofs(proof: Mapping[str, Any], proofs: list) -> list[dict[str, Any]]:
    """The proofs ``proof`` names in ``previousProof`` (Data Integrity 1.0: a string or an array of strings, each
    the ``id`` of another proof of the document); ``ValueError`` with the French reason otherwise."""
    if "previousProof" not in proof:
        return []
    named = proof["previousProof"]
    names = [named] if isinstance(named, str) else named
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise ValueError(
            "Chaîne de preuves invalide : previousProof doit être l'identifiant d'une preuve ou une liste "
            f"d'identifiants, pas {named!r}."
        )
    by_id = {p.get("id"): p for p in proofs if isinstance(p, Mapping) and isinstance(p.get("id"), str)}
    found = []
    for name in names:
        if name not in by_id or by_id[name] is proof:
            raise ValueError(f"Chaîne de preuves rompue : la preuve précédente {name!r} est absente du document.")
        found.append(copy.deepcopy(dict(by_id[name])))
    return found


def _timestamp(value: Any, label: str) -> tuple[datetime | None, str]:
    """A proof's ``created``/``expires`` (an XML Schema dateTimeStamp) and the French reason if it is not one."""
    if not isinstance(value, str) or not _DATETIME_RE.match(value):
        if isinstance(value, str) and _NAIVE_DATETIME_RE.match(value):
            return None, (
                f"{label} de la preuve sans fuseau horaire : {value!r} (une date de preuve indique son décalage, "
                "par exemple 2026-01-31T09:30:00Z)."
            )
        return None, f"{label} de la preuve invalide : {value!r}."
    try:
        return datetime.fromisoformat(value), ""
    except ValueError:
        return None, f"{label} de la preuve invalide : {value!r}."


def _verify_proof(
    unsecured: Mapping[str, Any],
    context: Any,
    proof: Any,
    resolve_key: Callable[[str], Ed25519PublicKey | None],
    now: datetime,
) -> tuple[bool, str]:
    if not isinstance(proof, Mapping):
        return False, "Preuve invalide : ce n'est pas un objet JSON."
    if proof.get("type") != PROOF_TYPE:
        return False, f"Type de preuve non pris en charge : {proof.get('type')!r} (attendu : {PROOF_TYPE})."
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return (
            False,
            f"Suite cryptographique non prise en charge : {proof.get('cryptosuite')!r} (attendu : {CRYPTOSUITE}).",
        )
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        return False, f"But de preuve inattendu : {proof.get('proofPurpose')!r} (attendu : {PROOF_PURPOSE})."
    created = None
    if "created" in proof:
        created, reason = _timestamp(proof["created"], "Date de création")
        if created is None:
            return False, reason
    if "expires" in proof:
        expires, reason = _timestamp(proof["expires"], "Date d'expiration")
        if expires is None:
            return False, reason
        if created is not None and expires <= created:
            return False, "Preuve invalide : elle expire avant d'avoir été créée."
        if expires <= now:
            return False, f"La preuve a expiré le {proof['expires']}."
    verification_method = proof.get("verificationMethod")
    if not isinstance(verification_method, str) or not verification_method:
        return False, "Preuve sans méthode de vérification (verificationMethod)."
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        return False, "Valeur de preuve absente ou mal encodée (proofValue multibase base58btc attendu)."
    if len(proof_value) > MAX_PROOF_VALUE_CHARS:
        return False, "Valeur de preuve invalide : bien trop longue pour une signature Ed25519 (64 octets)."
    try:
        signature = base58btc_decode(proof_value[1:])
    except ValueError:
        return False, "Valeur de preuve mal encodée (base58btc)."
    if len(signature) != 64:
        return False, "Valeur de preuve invalide : une signature Ed25519 fait 64 octets."
    # Data Integrity: a proof that carries its own @context must be a prefix of the document's.
    if "@context" in proof:
        proof_ctx = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
        doc_ctx = context if isinstance(context, list) else [context]
        if doc_ctx[: len(proof_ctx)] != proof_ctx:
            return False, "Le @context de la preuve ne correspond pas à celui du document."

    public_key = resolve_key(verification_method)
    if public_key is None:
        public_key = did_key_public_key(verification_method)
    if public_key is None:
        return False, f"Clé de vérification inconnue : {verification_method}"
    if not isinstance(public_key, Ed25519PublicKey):
        return False, f"La clé de {verification_method} n'est pas une clé Ed25519."

    try:
        data = hash_data(unsecured, _proof_config(proof, context))
    except CanonicalizationError as exc:
        return False, str(exc)
    except RecursionError:
        return False, "Document trop complexe : le lire demanderait une récursion trop profonde."
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        # untrusted input can trip pyld outside its own error type: report, never crash the verifier page
        return False, f"Document JSON-LD invalide : {exc}"
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False, MSG_TAMPERED
    return True, MSG_VALID


# --------------------------------------------------------------------------------------------------------------
# Decentralized identifiers: did:key (self-contained) and did:web (where its document is)
# --------------------------------------------------------------------------------------------------------------

_DID_KEY_PREFIX = "did:key:"


def did_key_public_key(verification_method: str) -> Ed25519PublicKey | None:
    """The Ed25519 key a ``did:key`` verification method is made of (``did:key:z6Mk…`` or
    ``did:key:z6Mk…#z6Mk…``), else None. No network: the identifier is the key."""
    if not isinstance(verification_method, str) or not verification_method.startswith(_DID_KEY_PREFIX):
        return None
    did, _, fragment = verification_method.partition("#")
    multibase = did[len(_DID_KEY_PREFIX) :]
    if len(multibase) > 64 or (fragment and fragment != multibase):
        return None
    try:
        return public_key_from_multibase(multibase)
    except ValueError:
        return None


def did_web(url: str) -> str:
    """The ``did:web`` of a site's base URL: ``https://exemple.fr`` → ``did:web:exemple.fr``, a port as ``%3A``
    and a path as ``:`` segments (W3C did:web method, "Create")."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"Adresse sans hôte : {url!r}")
    host = parts.hostname.lower() + (f"%3A{parts.port}" if parts.port else "")
    segments = [quote(s, safe="") for s in parts.path.strip("/").split("/") if s]
    return ":".join(["did:web", host, *segments])


def did_web_document_url(did: str, *, scheme: str = "https") -> str:
    """Where a ``did:web`` DID document is: ``did:web:exemple.fr`` → ``https://exemple.fr/.well-known/did.json``,
    ``did:web:exemple.fr:a:b`` → ``https://exemple.fr/a/b/did.json``; ``ValueError`` if it is not one."""
    if not isinstance(did, str) or not did.startswith("did:web:") or "#" in did or "?" in did or "/" in did:
        raise ValueError(f"Ce n'est pas un identifiant did:web : {did!r}")
    host, *segments = did[len("did:web:") :].split(":")
    host = unquote(host)
    if not re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?", host) or any(not s for s in segments):
        raise ValueError(f"Identifiant did:web mal formé : {did!r}")
    path = "/".join(unquote(s) for s in segments) + "/did.json" if segments else ".well-known/did.json"
    return f"{scheme}://{host}/{path}"


# --------------------------------------------------------------------------------------------------------------
# JSON Schema validation
# --------------------------------------------------------------------------------------------------------------


@cache
def _schema_validator() -> Draft201909Validator:
    schema = json.loads(_SCHEMA_PATH.read_text(encoding="utf-8"))
    # The schema only uses internal "#/$defs/…" references; the registry still maps both its $id and the URL
    # it is served at to the bundled copy, so that nothing could ever be retrieved remotely.
    resource = Resource.from_contents(schema, default_specification=DRAFT201909)
    registry = Registry().with_resources([(schema["$id"], resource), (OB_SCHEMA_URL, resource)])
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, registry=registry, format_checker=Draft201909Validator.FORMAT_CHECKER)


def validate_schema(credential: Mapping[str, Any]) -> list[str]:
    """Validate against 1EdTech's OB 3.0 AchievementCredential JSON Schema; [] when valid.

    Each message reads ``Schéma OB 3.0 — <JSON path> : <jsonschema message>``.
    """
    errors = sorted(
        _schema_validator().iter_errors(credential), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    return [f"Schéma OB 3.0 — {error.json_path} : {error.message}" for error in errors]


# --------------------------------------------------------------------------------------------------------------
# Building credentials
# --------------------------------------------------------------------------------------------------------------


def hash_identity(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``sha256$`` + hex(SHA-256(UTF-8(identifier + salt))).

    The e-mail is normalised (trimmed, lower-cased) before hashing: a verifier must do the same.
    """
    normalized = email.strip().lower()
    return "sha256$" + hashlib.sha256((normalized + salt).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Alignment:
    """Link from an achievement to a framework entry (e.g. an RNCP competency block)."""

    target_name: str
    target_url: str
    target_code: str | None = None
    target_framework: str | None = None

    def as_ob(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": ["Alignment"], "targetName": self.target_name, "targetUrl": self.target_url}
        if self.target_code:
            data["targetCode"] = self.target_code
        if self.target_framework:
            data["targetFramework"] = self.target_framework
        return data


@dataclass(frozen=True, slots=True)
class Evidence:
    id: str
    name: str
    description: str | None = None
    narrative: str | None = None

    def as_ob(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": ["Evidence"], "name": self.name}
        if self.description:
            data["description"] = self.description
        if self.narrative:
            data["narrative"] = self.narrative
        return data


def _as_ob(item: Alignment | Evidence | Mapping[str, Any]) -> dict[str, Any]:
    return item.as_ob() if isinstance(item, Alignment | Evidence) else dict(item)


def build_credential(
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    issuer_url: str,
    valid_from: datetime | str,
    name: str,
    achievement_id: str,
    achievement_name: str,
    achievement_description: str,
    criteria_narrative: str,
    salt: str,
    recipient_email: str | None = None,
    recipient_identity_hash: str | None = None,
    achievement_type: str = "Competency",
    alignments: Iterable[Alignment | Mapping[str, Any]] = (),
    evidence: Iterable[Evidence | Mapping[str, Any]] = (),
    status_list_credential: str | None = None,
    status_list_index: int | None = None,
    description: str | None = None,
    valid_until: datetime | str | None = None,
) -> dict[str, Any]:
    """An unsigned ``OpenBadgeCredential`` (pass it to :func:`sign`).

    The recipient is identified by a salted hash of their e-mail (``recipient_email``, or a precomputed
    ``recipient_identity_hash`` from :func:`hash_identity` with the same ``salt``) — never in clear.
    ``credentialStatus`` is added when both ``status_list_credential`` (URL of the status list credential) and
    ``status_list_index`` are given.
    """
    if achievement_type not in ACHIEVEMENT_TYPES:
        raise ValueError(f"achievementType doit être l'un de {ACHIEVEMENT_TYPES}, pas {achievement_type!r}.")
    if (recipient_email is None) == (recipient_identity_hash is None):
        raise ValueError("Donner soit recipient_email, soit recipient_identity_hash (exactement un des deux).")
    if (status_list_credential is None) != (status_list_index is None):
        raise ValueError("status_list_credential et status_list_index vont ensemble.")
    identity_hash = recipient_identity_hash or hash_identity(recipient_email or "", salt)

    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "name": achievement_name,
        "description": achievement_description,
        "criteria": {"narrative": criteria_narrative},
        "achievementType": achievement_type,
    }
    alignment_list = [_as_ob(a) for a in alignments]
    if alignment_list:
        achievement["alignment"] = alignment_list

    credential: dict[str, Any] = {
        # the extensions context defines 1EdTechJsonSchemaValidator2019 (credentialSchema type)
        "@context": [CREDENTIALS_V2_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name, "url": issuer_url},
        "validFrom": format_datetime(valid_from),
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": achievement,
        },
        "credentialSchema": [{"id": OB_SCHEMA_URL, "type": OB_SCHEMA_VALIDATOR_TYPE}],
    }
    if description:
        credential["description"] = description
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    evidence_list = [_as_ob(e) for e in evidence]
    if evidence_list:
        credential["evidence"] = evidence_list
    if status_list_credential is not None and status_list_index is not None:
        if status_list_index < 0:
            raise ValueError("status_list_index doit être positif ou nul.")
        credential["credentialStatus"] = {
            "id": f"{status_list_credential}#{status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_list_index),
            "statusListCredential": status_list_credential,
        }
    return credential


def build_endorsement(
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    issuer_url: str,
    valid_from: datetime | str,
    name: str,
    subject_id: str,
    comment: str,
    evidence: Iterable[Evidence | Mapping[str, Any]] = (),
    status_list_credential: str | None = None,
    status_list_index: int | None = None,
) -> dict[str, Any]:
    """An unsigned Open Badges 3.0 ``EndorsementCredential``: ``issuer`` vouches for ``subject_id`` (a credential,
    an achievement, a profile) in ``comment`` (``endorsementComment``)."""
    if (status_list_credential is None) != (status_list_index is None):
        raise ValueError("status_list_credential et status_list_index vont ensemble.")
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name, "url": issuer_url},
        "validFrom": format_datetime(valid_from),
        "name": name,
        "credentialSubject": {"id": subject_id, "type": ["EndorsementSubject"], "endorsementComment": comment},
    }
    evidence_list = [_as_ob(e) for e in evidence]
    if evidence_list:
        credential["evidence"] = evidence_list
    if status_list_credential is not None and status_list_index is not None:
        credential["credentialStatus"] = {
            "id": f"{status_list_credential}#{status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_list_index),
            "statusListCredential": status_list_credential,
        }
    return credential


def is_endorsement(document: Mapping[str, Any]) -> bool:
    types = document.get("type")
    return isinstance(types, list) and "EndorsementCredential" in types


def validate_endorsement(document: Mapping[str, Any]) -> list[str]:
    """The required properties of an OB 3.0 EndorsementCredential (its data model, § EndorsementCredential); []
    when they are there. 1EdTech's JSON Schema for endorsements is not bundled: this is the structural check."""
    errors = []
    types = document.get("type") if isinstance(document.get("type"), list) else []
    if "VerifiableCredential" not in types or "EndorsementCredential" not in types:
        errors.append("type doit contenir VerifiableCredential et EndorsementCredential")
    for field in ("id", "name", "validFrom"):
        if not isinstance(document.get(field), str) or not document.get(field):
            errors.append(f"{field} est obligatoire")
    issuer = document.get("issuer")
    if not isinstance(issuer, Mapping) or not issuer.get("id") or "Profile" not in (issuer.get("type") or []):
        errors.append("issuer doit être un Profile avec un id")
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping) or not subject.get("id"):
        errors.append("credentialSubject.id est obligatoire")
    elif "EndorsementSubject" not in (subject.get("type") or []):
        errors.append("credentialSubject.type doit contenir EndorsementSubject")
    if not isinstance(document.get("proof"), list) or not document.get("proof"):
        errors.append("proof doit être une liste non vide")
    return [f"Recommandation OB 3.0 — {e}" for e in errors]


# --------------------------------------------------------------------------------------------------------------
# Bitstring Status List v1.0 (revocation)
# --------------------------------------------------------------------------------------------------------------


def bitstring_status_list(revoked_indexes: Iterable[int], size: int = STATUS_LIST_MIN_SIZE) -> str:
    """``encodedList``: 'u' + base64url-no-padding(GZIP(bitstring)), index 0 = left-most (most significant) bit.

    ``size`` is in bits: at least 131072 (16 KiB, the spec's minimum, for herd privacy); it is rounded up to a
    whole number of bytes.
    """
    if size < STATUS_LIST_MIN_SIZE:
        raise ValueError(f"Taille de liste invalide : {size} (au moins {STATUS_LIST_MIN_SIZE}).")
    size += -size % 8
    bits = bytearray(size // 8)
    for index in revoked_indexes:
        if not 0 <= index < size:
            raise ValueError(f"Index hors de la liste : {index} (taille {size}).")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)  # mtime=0: same list, same bytes
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def _decode_status_list(encoded_list: str) -> bytes:
    # Multibase 'u' = base64url without padding. Tolerate the prefix-less StatusList2021 form (gzip → "H4sI").
    body = encoded_list[1:] if encoded_list.startswith("u") else encoded_list
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip container
        bits = inflater.decompress(compressed, _STATUS_LIST_MAX_BYTES)
    except (ValueError, zlib.error) as exc:
        raise ValueError("encodedList illisible (base64url + GZIP attendu).") from exc
    if inflater.unconsumed_tail:
        raise ValueError("encodedList trop volumineux.")
    return bits


def is_revoked(encoded_list: str, index: int) -> bool:
    """Whether bit ``index`` of an ``encodedList`` is set; ``ValueError`` if out of range or undecodable."""
    bits = _decode_status_list(encoded_list)
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"Index hors de la liste : {index} (taille {len(bits) * 8}).")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def build_status_list_credential(
    *,
    credential_id: str,
    issuer_id: str,
    valid_from: datetime | str,
    encoded_list: str,
    status_purpose: str = "revocation",
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` publishing ``encoded_list`` (sign it with :func:`sign`)."""
    return {
        "@context": [CREDENTIALS_V2_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": f"{credential_id}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_purpose,
            "encodedList": encoded_list,
        },
    }
