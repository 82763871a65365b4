"""Reads: the mini-site as a real site — the name it shows, what its page holds, its schema.org description, its
contact card, and the member behind a published address. Nothing here writes."""

import json

from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.credentials.services import ISSUER_NAME
from compagnons.credentials.services import page_url as credential_url
from compagnons.missions.records import member_record
from compagnons.showcase import recognitions
from compagnons.showcase.models import Profile


def public_name(member: User) -> str:
    """The name a page shows, shares and puts in a vCard: never the e-mail address `display_name` falls back to."""
    return f"{member.first_name} {member.last_name}".strip() or _("Membre des compagnons")


def page_context(profile: Profile) -> dict:
    """What the mini-site shows, in its preview and once published."""
    member = profile.member
    return {
        "profile": profile,
        "member": member,
        "name": public_name(member),
        "services_list": list(profile.services.all()),
        "portfolio": profile.portfolio.all(),
        "credentials": recognitions.credentials_of(member.pk),
        "house_credentials": recognitions.house_credentials_of(member.pk),
        "house_endorsements": recognitions.house_endorsements_of(member.pk),
        "record": member_record(member, attested=False),  # shown by recognitions, with their years
        "attested": recognitions.attested_competences([member.pk])[member.pk],
        "competences": recognitions.by_block(recognitions.known_competences(member.pk)),
    }


def invitable_member(slug: str) -> User | None:
    """Registered with missions: the member behind a published page (active account), for « Proposer une mission »."""
    profile = Profile.objects.published().select_related("member").filter(slug=slug).first()
    return profile.member if profile else None


def person_jsonld(profile: Profile, *, page_url: str, photo_url: str, credentials, attested, services_list) -> dict:
    """schema.org `Person`: the page, the photo, what clients attested, the valid credentials (each with its public
    verification page) and the services with their prices. Never the e-mail address."""
    member = profile.member
    data = {"@context": "https://schema.org", "@type": "Person", "name": public_name(member), "url": page_url}
    if profile.headline:
        data["jobTitle"] = profile.headline
    if profile.audience:
        data["description"] = profile.audience[:500]
    if photo_url:
        data["image"] = photo_url
    if member.region:
        data["address"] = {
            "@type": "PostalAddress",
            "addressRegion": member.get_region_display(),
            "addressCountry": "FR",
        }
    if attested:
        data["knowsAbout"] = [row["label"] for row in attested]
    valid = [c for c in credentials if not c.is_revoked]
    if valid:
        data["hasCredential"] = [
            {
                "@type": "EducationalOccupationalCredential",
                "name": c.name,
                "url": credential_url(c),
                "dateCreated": timezone.localtime(c.issued_at).date().isoformat(),
                "recognizedBy": {"@type": "Organization", "name": ISSUER_NAME},
            }
            for c in valid
        ]
    if services_list:
        data["makesOffer"] = [
            {
                "@type": "Offer",
                "name": s.title,
                "priceSpecification": {
                    "@type": "UnitPriceSpecification",
                    # schema.org's machine format (« 350.00 »), not an amount for people to read (core.money)
                    "price": f"{s.price_cents / 100:.2f}",
                    "priceCurrency": "EUR",
                    "unitText": str(s.get_unit_display()),
                },
            }
            for s in services_list
        ]
    return data


def script_json(data: dict) -> str:
    """JSON safe inside a <script> element: `<`, `>` and `&` escaped, so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False)
    return text.translate({ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"})


def _vcard_escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 6350 §3.2: lines longer than 75 octets are folded (CRLF then a space), never inside a character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def vcard(profile: Profile, *, page_url: str, photo_url: str) -> str:
    """A vCard 4.0 of the page: name, headline, trade, region, the page's address and the photo's. Never the e-mail
    address: the page hides it, and so does its card (visitors write through the page's form)."""
    member = profile.member
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "KIND:individual",
        f"FN:{_vcard_escape(public_name(member))}",
        f"N:{_vcard_escape(member.last_name)};{_vcard_escape(member.first_name)};;;",
    ]
    if profile.headline:
        lines.append(f"TITLE:{_vcard_escape(profile.headline)}")
    if member.trade:
        lines.append(f"ROLE:{_vcard_escape(member.trade)}")
    if member.region:
        lines.append(f"ADR;TYPE=work:;;;;{_vcard_escape(member.get_region_display())};;France")
    lines.append(f"URL:{page_url}")
    if photo_url:
        lines.append(f"PHOTO:{photo_url}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)
