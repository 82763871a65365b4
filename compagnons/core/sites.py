"""Several sites on one instance (docs/sites.md): which site a request is for, and its addresses.

The site is chosen by the request's host (SiteMiddleware sets `request.site`); a host allowed by ALLOWED_HOSTS with
no SiteHost row gets the default site. Lookups are cached per host under a versioned key that `save_site` bumps;
the process keeps them too (trusted for LOCAL_SECONDS, then while the shared version is unchanged), so a warm
request costs no query, even with the database cache of development."""

import time
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext as _

from compagnons.core import audit
from compagnons.core.models import Site, SiteHost
from compagnons.core.uploads import ImageTooLarge, ImageUnreadable, check_upload, reencode_image

LOGO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
LOGO_MAX_PIXELS = 40_000_000  # checked from the header, before anything is decoded
LOGO_MAX_SIDE = 400  # pixels: the header shows it at 3 rem; twice that for sharp screens, with room to spare

VERSION_KEY = "core:sites:version"
LOCAL_SECONDS = 10
_local: dict[str, tuple[float, int, Site]] = {}
_last_version = 1


def _version() -> int:
    """The shared version. If the cache lost it (cleared, culled), this process puts back the last one it knew: a
    save always moves it forward (clear_cache), so another process can at worst reload for nothing."""
    global _last_version
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _last_version, None)
        version = cache.get(VERSION_KEY, _last_version)
    _last_version = version
    return version


def _load(host: str) -> Site:
    """One query: the host's site, else the default one (else the first)."""
    first_host = SiteHost.objects.filter(site=OuterRef("pk")).order_by("pk").values("host")[:1]
    matches = Exists(SiteHost.objects.filter(site=OuterRef("pk"), host=host))
    site = (
        Site.objects.annotate(primary_host=Subquery(first_host), matches=matches)
        .order_by("-matches", "-is_default", "pk")
        .first()
    )
    if site is None:  # No site at all (a database emptied by hand): an unsaved default, never a 500.
        site = Site(name="Compagnons", is_default=True)
        site.primary_host = None
    return site


def site_for_host(host: str) -> Site:
    host = (host or "").split(":")[0].lower()
    now = time.monotonic()
    hit = _local.get(host)
    if hit is not None and hit[0] > now:
        return hit[2]
    version = _version()
    if hit is not None and hit[1] == version:
        _local[host] = (now + LOCAL_SECONDS, version, hit[2])
        return hit[2]
    key = f"core:site:{version}:{host}"
    site = cache.get(key)
    if site is None:
        site = _load(host)
        cache.set(key, site, 3600)
    _local[host] = (now + LOCAL_SECONDS, version, site)
    return site


def default_site() -> Site:
    return site_for_host(urlsplit(settings.SITE_URL).hostname or "")


def clear_cache() -> None:
    """Forget every cached lookup: the shared cache's by a new version, this process's at once."""
    global _last_version
    try:
        _last_version = cache.incr(VERSION_KEY)
    except ValueError:
        _last_version += 1
        cache.set(VERSION_KEY, _last_version, None)
    _local.clear()


def site_url(site: Site | None) -> str:
    """The base address of a site for links outside a request (e-mails): SITE_URL with the site's host."""
    if site is None or site.pk is None:
        return settings.SITE_URL
    host = getattr(site, "primary_host", None)
    if host is None:
        host = site.hosts.values_list("host", flat=True).first()
    if not host:
        return settings.SITE_URL
    parts = urlsplit(settings.SITE_URL)
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, "", "", "")).rstrip("/")


def user_site_url(user) -> str:
    """Links in a member's e-mails point at the site they signed up on (none, or no member: the default one)."""
    return site_url(getattr(user, "site", None) if user is not None else None)


def user_sender(user) -> str | None:
    """The From of a member's e-mails: their site's sender (no site: the default one's), else None
    (DEFAULT_FROM_EMAIL)."""
    site = getattr(user, "site", None) if user is not None else None
    if site is None:
        site = default_site()
    return site.email_sender or None


def site_sender(site: Site | None) -> str | None:
    """The From of e-mails sent for a request's site (sign-up, password reset), else None (DEFAULT_FROM_EMAIL)."""
    return (site.email_sender if site is not None else "") or None


def clean_logo(upload) -> ContentFile:
    """A logo as the header will show it: its type read from its content (core.uploads: PNG, JPEG, GIF or WebP,
    within EVIDENCE_MAX_BYTES), then decoded and re-encoded as a PNG of at most LOGO_MAX_SIDE pixels a side, which
    keeps transparency and drops everything else (metadata, trailing bytes). SVG is refused: it is a document that
    can carry scripts and links, and a drawing is as clear as a PNG. ValidationError with a French message."""
    try:
        kind = check_upload(upload)
    except ValidationError:
        if upload.size > settings.EVIDENCE_MAX_BYTES:
            raise  # its message says the limit
        kind = None  # another type than core.uploads knows: the logo's own message says which are accepted
    if kind not in LOGO_TYPES:
        raise ValidationError(
            _("Le logo doit être une image PNG, JPEG, GIF ou WebP (le SVG n'est pas accepté : exportez-le en PNG).")
        )
    try:
        png = reencode_image(
            upload, max_pixels=LOGO_MAX_PIXELS, max_side=LOGO_MAX_SIDE, mode="RGBA", image_format="PNG", optimize=True
        )
    except ImageTooLarge as error:
        if error.size is None:
            raise ValidationError(_("Ce logo est trop grand : 400 × 400 pixels suffisent.")) from None
        raise ValidationError(
            _("Ce logo est trop grand (%(width)s × %(height)s pixels) : 400 × 400 pixels suffisent.")
            % {"width": error.size[0], "height": error.size[1]}
        ) from None
    except ImageUnreadable:
        raise ValidationError(
            _("Ce logo est illisible ou abîmé : enregistrez-le de nouveau en PNG et réessayez.")
        ) from None
    return ContentFile(png)


@transaction.atomic
def save_site(site: Site, *, hosts: list[str], by, logo: ContentFile | None = None, remove_logo: bool = False) -> Site:
    """Create or change a site and its hosts (hosts must not be another site's: the form checks). `logo`: a new
    logo already cleaned (`clean_logo`); `remove_logo`: back to the name alone. The old file goes once committed."""
    created = site.pk is None
    site.full_clean(exclude=["logo"])
    old_logo = site.logo.name if (logo is not None or remove_logo) and site.logo else ""
    if logo is not None:
        site.logo.save("logo.png", logo, save=False)
    elif remove_logo:
        site.logo = ""
    site.save()
    if old_logo:
        storage = site.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    hosts = sorted({h.strip().lower() for h in hosts if h.strip()})
    SiteHost.objects.filter(site=site).exclude(host__in=hosts).delete()
    for host in hosts:
        SiteHost.objects.get_or_create(site=site, host=host)
    audit.log(
        by, "site.created" if created else "site.changed", site, hosts=hosts, logo=bool(logo is not None or remove_logo)
    )
    clear_cache()  # For this process at once,
    transaction.on_commit(clear_cache)  # and again once committed, lest a request cached the old rows in between.
    return site
