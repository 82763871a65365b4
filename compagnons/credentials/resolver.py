"""Reads: the keys of OTHER issuers' did:web, over the network, for /verifier/.

Off unless `CREDENTIALS_RESOLVE_DID_WEB` (always off in tests but the two-instance one). When on, a DID document is
fetched only:
- over HTTPS (plain HTTP only for a registered house and `CREDENTIALS_DID_WEB_HTTP_HOUSES`, development);
- from a host whose every address is public (no private, loopback, link-local… address), unless the DID is a
  registered house;
- without following any redirect, within `TIMEOUT` seconds and `MAX_BYTES` bytes;
and the answer (or its absence) is cached. Our own keys, and did:key, never come here."""

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.cache import cache

from compagnons.credentials import ob3
from compagnons.credentials.models import House

TIMEOUT = 3  # seconds, connect and read
MAX_BYTES = 64 * 1024
CACHE_SECONDS = 3600
MISS_SECONDS = 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError for the 3xx: a DID document is where its DID says


def _public_only(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    return bool(addresses) and all(address.is_global for address in addresses)


def fetch_did_document(did: str) -> dict | None:
    """The DID document of a did:web, or None (resolution off, refused address, network error, not a document for
    that DID). Cached, answers and misses alike."""
    if not settings.CREDENTIALS_RESOLVE_DID_WEB:
        return None
    house = House.objects.filter(did=did).exists()
    # whether it is a house is in the key: registering one is not delayed by an earlier refusal still in the cache
    cache_key = f"credentials:did-web:{int(house)}:{did}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached or None
    document = _fetch(did, house=house)
    cache.set(cache_key, document or {}, CACHE_SECONDS if document else MISS_SECONDS)
    return document


def _fetch(did: str, *, house: bool) -> dict | None:
    scheme = "http" if house and settings.CREDENTIALS_DID_WEB_HTTP_HOUSES else "https"
    try:
        url = ob3.did_web_document_url(did, scheme=scheme)
    except ValueError:
        return None
    document = _get_json(url, private_allowed=house)
    return document if document is not None and document.get("id") == did else None


def _get_json(url: str, *, private_allowed: bool) -> dict | None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    if not private_allowed and not _public_only(parts.hostname, parts.port or 443):
        return None
    opener = urllib.request.build_opener(_NoRedirect)
    # the scheme was checked above: http(s) only, never file: or another
    request = urllib.request.Request(url, headers={"Accept": "application/did+json, application/ld+json, */*"})  # noqa: S310
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            if response.status != 200:
                return None
            body = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    if len(body) > MAX_BYTES:
        return None
    text = body.decode("utf-8", errors="replace")
    if ob3.json_text_too_deep(text):
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def fetch_status_list(url: str, did: str) -> dict | None:
    """A registered house's status list credential, only from the house's own host (and scheme), cached briefly."""
    if not settings.CREDENTIALS_RESOLVE_DID_WEB or not House.objects.filter(did=did).exists():
        return None
    scheme = "http" if settings.CREDENTIALS_DID_WEB_HTTP_HOUSES else "https"
    try:
        home = urlsplit(ob3.did_web_document_url(did, scheme=scheme))
    except ValueError:
        return None
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (home.scheme, home.netloc):
        return None
    cache_key = f"credentials:status-list:{url}"
    cached = cache.get(cache_key)
    if cached is not None:
        return cached or None
    document = _get_json(url, private_allowed=True)
    cache.set(cache_key, document or {}, MISS_SECONDS)
    return document


def key_in_document(document: dict, did: str, method: str) -> Ed25519PublicKey | None:
    """The Ed25519 key of `method` in a DID document, if it is a Multikey controlled by `did` that may assert."""
    fragment = method.partition("#")[2]
    allowed = set()
    for entry in document.get("assertionMethod") or []:
        ref = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(ref, str):
            allowed.add(did + ref if ref.startswith("#") else ref)
    if method not in allowed:
        return None
    candidates = [e for e in document.get("verificationMethod") or [] if isinstance(e, dict)]
    candidates += [e for e in document.get("assertionMethod") or [] if isinstance(e, dict)]
    for entry in candidates:
        entry_id = entry.get("id", "")
        if entry_id not in (method, f"#{fragment}"):
            continue
        if entry.get("type") != "Multikey" or entry.get("controller") != did:
            return None
        try:
            return ob3.public_key_from_multibase(str(entry.get("publicKeyMultibase", "")))
        except ValueError:
            return None
    return None


def resolve_did_web_key(method: str) -> Ed25519PublicKey | None:
    did = method.partition("#")[0]
    document = fetch_did_document(did)
    return key_in_document(document, did, method) if document else None
