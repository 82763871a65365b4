"""Reads: the two-page brochure — what it shows, its fingerprint (another state of the page is another brochure)
and the PDF itself, which the task `build_brochure` hands to `core.files.build`. Nothing here writes."""

import hashlib

from django.conf import settings

from compagnons.core.files import Progress
from compagnons.core.pdf import render_pdf
from compagnons.core.qr import qr_data_uri
from compagnons.credentials.models import IssuedCredential
from compagnons.credentials.services import issuer_id, page_url
from compagnons.missions.records import member_record
from compagnons.showcase import recognitions
from compagnons.showcase.models import Brochure, Pitch, Profile, Service


def fingerprint(profile: Profile) -> str:
    state = (
        profile.updated_at.isoformat(),
        str(profile.theme),  # the value: a page just created holds the enum member, a fetched one its text
        list(profile.portfolio.values_list("pk", flat=True)),
        list(Service.objects.filter(profile=profile).values_list("pk", "price_cents", "title")),
        IssuedCredential.objects.filter(member_id=profile.member_id, revoked_at__isnull=True).count(),
        # the addresses it prints and QR-codes: another SITE_URL or issuer (another port) is another brochure
        settings.SITE_URL,
        issuer_id(),
        Pitch.objects.filter(member_id=profile.member_id).count(),
        [(row["competence__code"], row["source"]) for row in recognitions.known_competences(profile.member_id)],
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()


def context(profile: Profile) -> dict:
    return {
        "profile": profile,
        "member": profile.member,
        "services": list(profile.services.all()),
        "credentials": recognitions.valid_credentials(profile.member_id),
        "record": member_record(profile.member, attested=False),
        "competences": recognitions.known_competences(profile.member_id),
        "pitch": Pitch.objects.filter(member_id=profile.member_id, status=Pitch.Status.APPROVED).first()
        or Pitch.objects.filter(member_id=profile.member_id).first(),
        "site_url": settings.SITE_URL,
    }


def make(brochure: Brochure, progress: Progress) -> tuple[str, bytes]:
    """The two A4 pages as a PDF, each credential with a QR code of its public verification page."""
    profile = Profile.objects.select_related("member").get(pk=brochure.profile_id)
    data = context(profile)
    data["qr"] = {c.pk: qr_data_uri(page_url(c)) for c in data["credentials"]}
    progress(50)
    return f"plaquette-{profile.slug}.pdf", render_pdf("showcase/brochure.html", data)
