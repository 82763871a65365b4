"""Every write of the showcase; the directory's query; the brochure's build. The mentor is in the loop:
a review of a page or a pitch by a compagnon counts as a contribution in the ledger."""

import hashlib
import io
import uuid
import warnings
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, ExpressionWrapper, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from compagnons.accounts.models import Role, User
from compagnons.core import audit, ratelimit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.ids import parse_id
from compagnons.core.uploads import check_upload
from compagnons.ledger import services as ledger_services
from compagnons.missions.services import fairness_problem
from compagnons.showcase.models import Brochure, ContactMessage, Invitation, Pitch, PortfolioItem, Profile, Service
from compagnons.skills.models import Assessment, Level

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
IMAGE_MAX_PIXELS = 40_000_000  # 8000 × 5000: more than any camera; checked before decoding
CONTACTS_PER_IP_PER_HOUR = 5
CONTACTS_PER_PROFILE_PER_DAY = 20
INVITATIONS_PER_CLIENT_PER_DAY = 20


def profile_of(member: User) -> Profile:
    profile = Profile.objects.filter(member=member).first()
    if profile:
        return profile
    base = slugify(f"{member.first_name}-{member.last_name}")[:50] or "membre"
    slug, n = base, 1
    while Profile.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    try:
        with transaction.atomic():
            return Profile.objects.create(member=member, slug=slug)
    except IntegrityError:
        return Profile.objects.get(member=member)


def _require_owner(profile: Profile, user: User) -> None:
    if user.pk != profile.member_id:
        raise PermissionRefused(_("Cette page n'est pas la vôtre."))


def reach_step(profile: Profile, step: int) -> None:
    """Remember the furthest step of the editor reached, never going back (concurrent tabs included)."""
    Profile.objects.filter(pk=profile.pk, step__lt=step).update(step=step)


@transaction.atomic
def add_service(
    profile: Profile, *, by, title: str, price_cents: int, unit: str, hours: int | None = None, description: str = ""
) -> Service:
    _require_owner(profile, by)
    problem = service_problem(price_cents, unit, hours)
    if problem:
        raise InvalidTransition(problem)
    return Service.objects.create(
        profile=profile, title=title.strip(), description=description, price_cents=price_cents, unit=unit, hours=hours
    )


@transaction.atomic
def remove_service(profile: Profile, service_id, *, by) -> bool:
    _require_owner(profile, by)
    service_id = parse_id(service_id)
    if service_id is None:
        return False
    deleted, _rows = profile.services.filter(pk=service_id).delete()
    return bool(deleted)


@transaction.atomic
def set_theme(profile: Profile, theme: str, *, by) -> None:
    _require_owner(profile, by)
    Profile.objects.filter(pk=profile.pk).update(theme=theme, updated_at=timezone.now())


def service_problem(price_cents: int, unit: str, hours: int | None) -> str | None:
    """A service's price must reach the same fair-rate floor as missions."""
    work = {Service.Unit.HOUR: 1, Service.Unit.DAY: 7}.get(unit) or (hours or 0)
    if unit == Service.Unit.FIXED and not hours:
        return _("Pour un forfait, indiquez le nombre d'heures de travail.")
    return fairness_problem(price_cents, work)


def _clean_image(upload, *, max_side: int) -> ContentFile:
    """Resize and re-encode an image, which drops its metadata (EXIF, GPS…).

    The size is read from the header before anything is decoded: past IMAGE_MAX_PIXELS (a 20000 × 20000 image
    would take over a gigabyte once decoded) or when Pillow cannot read the file, a French message, never a 500."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    unreadable = _("Cette image est illisible ou abîmée : enregistrez-la de nouveau (PNG ou JPEG) et réessayez.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            image = Image.open(upload)
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise InvalidTransition(
                    _(
                        "Cette image est trop grande (%(width)s × %(height)s pixels) : "
                        "réduisez-la sous %(max)s millions de pixels."
                    )
                    % {"width": width, "height": height, "max": IMAGE_MAX_PIXELS // 1_000_000}
                )
            image = ImageOps.exif_transpose(image)
            image.thumbnail((max_side, max_side))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidTransition(
            _("Cette image est trop grande : réduisez-la sous %(max)s millions de pixels.")
            % {"max": IMAGE_MAX_PIXELS // 1_000_000}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise InvalidTransition(unreadable) from None
    return ContentFile(out.getvalue())


@transaction.atomic
def set_photo(profile: Profile, upload, *, by) -> Profile:
    _require_owner(profile, by)
    try:
        kind = check_upload(upload)
    except ValidationError as error:
        raise InvalidTransition(" ".join(error.messages)) from None
    if kind not in IMAGE_TYPES:
        raise InvalidTransition(_("La photo doit être une image (PNG, JPEG, GIF ou WebP)."))
    if profile.photo:
        profile.photo.delete(save=False)
    profile.photo.save("photo.jpg", _clean_image(upload, max_side=600), save=False)
    profile.save(update_fields=["photo", "updated_at"])  # only these: a stale copy must not undo another change
    return profile


@transaction.atomic
def add_portfolio_item(
    profile: Profile, *, by, title: str, description: str = "", link: str = "", upload=None
) -> PortfolioItem:
    _require_owner(profile, by)
    if not (link or upload):
        raise InvalidTransition(_("Ajoutez un lien ou un fichier."))
    item = PortfolioItem(profile=profile, title=title.strip(), description=description, link=link)
    if upload is not None:
        try:
            kind = check_upload(upload)
        except ValidationError as error:
            raise InvalidTransition(" ".join(error.messages)) from None
        if kind not in IMAGE_TYPES | {"application/pdf"}:
            raise InvalidTransition(_("Une réalisation se montre en image ou en PDF."))
        item.content_type = "image/jpeg" if kind in IMAGE_TYPES else kind
        content = _clean_image(upload, max_side=1600) if kind in IMAGE_TYPES else upload
        # A random name: portfolio files are public media, and a guessable name would let anyone walk them.
        name = f"{uuid.uuid4().hex}.{'jpg' if kind in IMAGE_TYPES else 'pdf'}"
        item.file.save(name, content, save=False)
        if kind in IMAGE_TYPES:
            item.thumbnail.save(f"{uuid.uuid4().hex}.jpg", _clean_image(upload, max_side=480), save=False)
    item.save()
    return item


@transaction.atomic
def remove_portfolio_item(profile: Profile, item_id, *, by) -> bool:
    """Delete the item and, once that is committed, its file: a removed work must stop being reachable."""
    _require_owner(profile, by)
    item = profile.portfolio.select_for_update().filter(pk=parse_id(item_id) or 0).first()
    if item is None:
        return False
    for stored in (item.file, item.thumbnail):
        if stored:
            storage, name = stored.storage, stored.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    item.delete()
    return True


@transaction.atomic
def publish(profile: Profile, *, by) -> Profile:
    _require_owner(profile, by)
    if not profile.headline.strip() or not profile.services.exists():
        raise InvalidTransition(_("Avant de publier : une accroche et au moins une prestation."))
    profile.published = True
    profile.published_at = profile.published_at or timezone.now()
    profile.save(update_fields=["published", "published_at"])
    audit.log(by, "showcase.published", profile)
    return profile


@transaction.atomic
def unpublish(profile: Profile, *, by) -> Profile:
    if by.pk != profile.member_id and not by.is_formateur:
        raise PermissionRefused(_("Cette page n'est pas la vôtre."))
    profile.published = False
    profile.save(update_fields=["published"])
    audit.log(by, "showcase.unpublished", profile)
    transaction.on_commit(lambda: delete_share_images(profile))  # shared nowhere while the page is down
    return profile


# --- Reviews by a compagnon ------------------------------------------------------------------


def _require_compagnon(user: User) -> None:
    if not user.is_compagnon:
        raise InvalidTransition(_("Choisissez un compagnon pour relire."))


@transaction.atomic
def ask_page_review(profile: Profile, reviewer: User, *, by) -> Profile:
    _require_owner(profile, by)
    _require_compagnon(reviewer)
    if reviewer.pk == by.pk:
        raise InvalidTransition(_("Demandez la relecture à quelqu'un d'autre."))
    profile.review_requested_from = reviewer
    profile.reviewed_at, profile.review_comment = None, ""
    profile.save(update_fields=["review_requested_from", "reviewed_at", "review_comment"])
    audit.log(by, "showcase.review_requested", profile)
    return profile


@transaction.atomic
def review_page(profile: Profile, *, by, comment: str) -> Profile:
    profile = Profile.objects.select_for_update(of=("self",)).get(pk=profile.pk)
    if by.pk != profile.review_requested_from_id:
        raise PermissionRefused(_("Cette relecture ne vous a pas été demandée."))
    if not comment.strip():
        raise InvalidTransition(_("Écrivez votre relecture."))
    profile.review_comment = comment.strip()
    profile.reviewed_at = timezone.now()
    profile.save(update_fields=["review_comment", "reviewed_at"])
    ledger_services.credit_review(profile, reviewer=by, reviewed=profile.member)
    audit.log(by, "showcase.reviewed", profile)
    return profile


@transaction.atomic
def save_pitch(member: User, *, answers: dict[str, str], text: str) -> Pitch:
    if not text.strip():
        raise InvalidTransition(_("Écrivez votre pitch (vous pouvez partir de vos réponses)."))
    last = Pitch.objects.filter(member=member).select_for_update(of=("self",)).order_by("-version").first()
    return Pitch.objects.create(member=member, version=(last.version + 1) if last else 1, text=text.strip(), **answers)


@transaction.atomic
def ask_pitch_review(pitch: Pitch, reviewer: User, *, by) -> Pitch:
    if by.pk != pitch.member_id:
        raise PermissionRefused(_("Ce pitch n'est pas le vôtre."))
    _require_compagnon(reviewer)
    if reviewer.pk == by.pk:
        raise InvalidTransition(_("Demandez la relecture à quelqu'un d'autre."))
    if pitch.status == Pitch.Status.APPROVED:
        raise InvalidTransition(_("Ce pitch est déjà approuvé : enregistrez une nouvelle version."))
    pitch.reviewer = reviewer
    pitch.status = Pitch.Status.IN_REVIEW
    pitch.save(update_fields=["reviewer", "status"])
    audit.log(by, "pitch.review_requested", pitch)
    return pitch


@transaction.atomic
def review_pitch(pitch: Pitch, *, by, comment: str, approve: bool) -> Pitch:
    pitch = Pitch.objects.select_for_update(of=("self",)).get(pk=pitch.pk)
    if by.pk != pitch.reviewer_id:
        raise PermissionRefused(_("Cette relecture ne vous a pas été demandée."))
    if pitch.status != Pitch.Status.IN_REVIEW:
        raise InvalidTransition(_("Ce pitch n'attend pas de relecture."))
    if not comment.strip():
        raise InvalidTransition(_("Écrivez votre commentaire."))
    pitch.review_comment = comment.strip()
    pitch.status = Pitch.Status.APPROVED if approve else Pitch.Status.REVISE
    pitch.save(update_fields=["review_comment", "status"])
    # One credit per member's pitch, reviewer and month: a new version asked again of the same reviewer is read,
    # not paid again (otherwise two members could mint minutes by saving versions in turn).
    credit = ledger_services.credit_review(
        pitch, reviewer=by, reviewed=pitch.member, once_per=f"pitch:{pitch.member_id}:{timezone.localdate():%Y-%m}"
    )
    pitch.credited = credit.evidence_id == pitch.pk
    audit.log(by, "pitch.reviewed", pitch, approved=approve, credited=pitch.credited)
    return pitch


# --- Contact ----------------------------------------------------------------------------------


def send_contact(profile: Profile, *, name: str, email: str, body: str, ip: str | None) -> ContactMessage:
    """Rate-limited per address and per page; the member gets it by e-mail and in their space."""
    # Atomic counters (compagnons/core/ratelimit.py): simultaneous posts cannot all pass.
    if not ratelimit.hit(
        ratelimit.key_for("showcase:contact:ip", ip or "?"), CONTACTS_PER_IP_PER_HOUR, timedelta(hours=1)
    ) or not ratelimit.hit(
        ratelimit.key_for("showcase:contact:page", profile.pk), CONTACTS_PER_PROFILE_PER_DAY, timedelta(days=1)
    ):
        raise InvalidTransition(_("Trop de messages envoyés : réessayez un peu plus tard."))
    message = ContactMessage.objects.create(
        profile=profile, sender_name=name.strip(), sender_email=email, body=body.strip()
    )
    from compagnons.showcase.tasks import forward_contact

    transaction.on_commit(lambda: forward_contact.enqueue(message.pk))
    return message


# --- Directory ------------------------------------------------------------------------------


def directory(*, trade="", competence=None, region="", language="", available=False, today=None):
    """Published profiles, by relevance (compétences attested or certified), then a daily rotation. Never by
    popularity or stars."""
    today = today or timezone.localdate()
    profiles = Profile.objects.published().select_related("member")
    if trade:
        profiles = profiles.filter(member__trade__icontains=trade)
    if region:
        profiles = profiles.filter(member__region=region)
    if language:
        profiles = profiles.filter(member__languages__icontains=language)
    if available:
        profiles = profiles.exclude(member__availability="unavailable")
    if competence is not None:
        proven = (
            Assessment.objects.standing()
            .filter(
                competence=competence,
                level__gte=Level.ACQUIRED,
                source__in=[Assessment.Source.JURY, Assessment.Source.CLIENT],
            )
            .values("member_id")
        )
        profiles = profiles.filter(member_id__in=proven)
    # Relevance: compétences proven by a jury or a client (the matching one when filtering by compétence).
    proof = Assessment.objects.standing().filter(
        member_id=OuterRef("member_id"),
        level__gte=Level.ACQUIRED,
        source__in=[Assessment.Source.JURY, Assessment.Source.CLIENT],
    )
    if competence is not None:
        proof = proof.filter(competence=competence)
    proven = Subquery(
        proof.values("member_id").annotate(n=Count("competence_id", distinct=True)).values("n")[:1],
        output_field=IntegerField(),
    )
    seed = today.toordinal() % 997 + 1
    rotation = ExpressionWrapper((F("pk") * seed) % 1009, output_field=IntegerField())
    return profiles.annotate(relevance=Coalesce(proven, 0), rotation=rotation).order_by("-relevance", "rotation", "pk")


@transaction.atomic
def invite(profile: Profile, mission, *, by) -> None:
    """A client invites a member to apply to one of their published missions."""
    from compagnons.missions.models import Mission

    if mission.client_id != by.pk or mission.status != Mission.Status.PUBLISHED:
        raise PermissionRefused(_("Invitez seulement à vos propres missions publiées."))
    if Invitation.objects.filter(profile=profile, mission=mission).exists():
        raise InvalidTransition(_("Vous avez déjà invité cette personne à cette mission : une invitation suffit."))
    if not ratelimit.hit(
        ratelimit.key_for("showcase:invite", by.pk), INVITATIONS_PER_CLIENT_PER_DAY, timedelta(days=1)
    ):
        raise InvalidTransition(
            _("Vous avez envoyé beaucoup d'invitations aujourd'hui : réessayez demain, ou publiez la mission.")
        )
    try:
        with transaction.atomic():
            Invitation.objects.create(profile=profile, mission=mission)
    except IntegrityError:  # the same invitation sent at the same moment
        raise InvalidTransition(
            _("Vous avez déjà invité cette personne à cette mission : une invitation suffit.")
        ) from None
    audit.log(by, "showcase.invited", profile, mission=mission.pk)
    from compagnons.showcase.tasks import forward_invitation

    transaction.on_commit(lambda: forward_invitation.enqueue(profile.pk, mission.pk))


def invitable_member(slug: str) -> User | None:
    """Registered with missions: the member behind a published page (active account), for « Proposer une mission »."""
    profile = Profile.objects.published().select_related("member").filter(slug=slug).first()
    return profile.member if profile else None


@transaction.atomic
def invite_on_publication(mission, *, by) -> bool:
    """Registered with missions, called by `missions.services.publish`: the mission was proposed from the page of
    `mission.invited`; staff have just published it. The member is invited once (the same `Invitation` and e-mail as
    « Inviter à candidater »), only while their page is published and their account active. True when sent."""
    from compagnons.missions.models import Mission

    if mission.status != Mission.Status.PUBLISHED or not mission.invited_id:
        return False
    profile = Profile.objects.published().filter(member_id=mission.invited_id).first()
    if profile is None:
        return False
    _invitation, created = Invitation.objects.get_or_create(profile=profile, mission=mission)
    if not created:
        return False
    audit.log(by, "showcase.invited", profile, mission=mission.pk, client=mission.client_id, on_publication=True)
    from compagnons.showcase.tasks import forward_invitation

    transaction.on_commit(lambda: forward_invitation.enqueue(profile.pk, mission.pk))
    return True


# --- Brochure -----------------------------------------------------------------------------------


def fingerprint(profile: Profile) -> str:
    from compagnons.credentials.models import IssuedCredential
    from compagnons.credentials.services import issuer_id

    state = (
        profile.updated_at.isoformat(),
        profile.theme,
        list(profile.portfolio.values_list("pk", flat=True)),
        list(Service.objects.filter(profile=profile).values_list("pk", "price_cents", "title")),
        IssuedCredential.objects.filter(member_id=profile.member_id, revoked_at__isnull=True).count(),
        # the addresses it prints and QR-codes: another SITE_URL or issuer (another port) is another brochure
        settings.SITE_URL,
        issuer_id(),
        Pitch.objects.filter(member_id=profile.member_id).count(),
        [(row["competence__code"], row["source"]) for row in known_competences(profile.member_id)],
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()


@transaction.atomic
def request_brochure(profile: Profile, *, by) -> Brochure:
    """Build the brochure in the background, unless the cached one is still up to date."""
    _require_owner(profile, by)
    brochure, _created = Brochure.objects.select_for_update(of=("self",)).get_or_create(profile=profile)
    current = fingerprint(profile)
    if brochure.status == Brochure.Status.READY and brochure.fingerprint == current:
        return brochure
    if brochure.status in (Brochure.Status.PENDING, Brochure.Status.RUNNING) and brochure.fingerprint == current:
        # Already on its way (a failed build, status FAILED, is rebuilt).
        return brochure
    brochure.status, brochure.progress, brochure.fingerprint = Brochure.Status.PENDING, 0, current
    brochure.save(update_fields=["status", "progress", "fingerprint"])
    from compagnons.showcase.tasks import build_brochure

    transaction.on_commit(lambda: build_brochure.enqueue(brochure.pk))
    return brochure


def known_competences(member_id: int) -> list[dict]:
    """The compétences the member holds at « acquis » or above from someone else (a jury, a client, a compagnon, a
    formateur), by skills' level rule (a judgement superseded — a bloc withdrawn by the jury — no longer counts), with
    how they are known. One query; the mini-site and the brochure show them."""
    proven = (
        Assessment.objects.standing()
        .filter(member_id=member_id, level__gte=Level.ACQUIRED)
        .exclude(source=Assessment.Source.SELF)
        .values("competence__code", "competence__label", "competence__block__label", "source")
        .annotate(n=Count("pk"))
        .order_by("competence__code", "source")
    )
    return [{**row, "how": str(Assessment.Source(row["source"]).label)} for row in proven]


def brochure_context(profile: Profile) -> dict:
    from compagnons.credentials.models import IssuedCredential
    from compagnons.missions.records import member_record

    credentials = list(IssuedCredential.objects.filter(member_id=profile.member_id, revoked_at__isnull=True))
    return {
        "profile": profile,
        "member": profile.member,
        "services": list(profile.services.all()),
        "credentials": credentials,
        "record": member_record(profile.member),
        "competences": known_competences(profile.member_id),
        "pitch": Pitch.objects.filter(member_id=profile.member_id, status=Pitch.Status.APPROVED).first()
        or Pitch.objects.filter(member_id=profile.member_id).first(),
        "site_url": settings.SITE_URL,
    }


def staff_or_owner(user, profile: Profile) -> bool:
    return user.is_authenticated and (user.pk == profile.member_id or user.is_formateur)


def mentor_of(member: User) -> User | None:
    from compagnons.apprenticeship.models import Mentorship

    mentorship = Mentorship.objects.active().filter(apprentice=member).select_related("mentor").first()
    return mentorship.mentor if mentorship else None


def compagnon_by_email(email: str) -> User | None:
    return User.objects.active().with_role(Role.COMPAGNON).filter(email__iexact=email).first()


def directory_ids(**filters) -> list[int]:
    """The day's ordered ids for these filters, cached until a page is published or withdrawn."""
    from django.db.models import Max

    state = Profile.objects.published().aggregate(n=Count("pk"), last=Max("updated_at"))
    # A jury's or a client's new word (a bloc validated or withdrawn, an attestation) changes the relevance too.
    proofs = Assessment.objects.filter(source__in=[Assessment.Source.JURY, Assessment.Source.CLIENT])
    state["proofs"] = proofs.aggregate(n=Count("pk"), last=Max("pk"))
    competence = filters.get("competence")
    key = (
        "directory:"
        + hashlib.sha256(
            repr((timezone.localdate(), state, {**filters, "competence": getattr(competence, "pk", None)})).encode()
        ).hexdigest()
    )
    return cache.get_or_set(key, lambda: list(directory(**filters).values_list("pk", flat=True)), 3600)


# --- The page as a real site: what clients attested, credentials, sharing -------------------------


def public_name(member: User) -> str:
    """The name a page shows, shares and puts in a vCard: never the e-mail address `display_name` falls back to."""
    return f"{member.first_name} {member.last_name}".strip() or _("Membre des compagnons")


def _period(first, last) -> str:
    start, end = timezone.localtime(first).year, timezone.localtime(last).year
    return str(start) if start == end else f"{start}–{end}"


def attested_competences(member_ids) -> dict[int, list[dict]]:
    """Per member, the compétences clients attested at the close of a mission (« oui »): the compétence's name, how
    many times, and the years (« 2025–2026 »), the most attested first. One query for any number of members."""
    from django.db.models import Max, Min

    from compagnons.missions.models import Attestation

    ids = list(member_ids)
    rows = (
        Attestation.objects.filter(member_id__in=ids, result=Attestation.Result.YES)
        .values("member_id", "competence_id", "competence__label")
        .annotate(n=Count("pk"), first=Min("created_at"), last=Max("created_at"))
        .order_by("member_id", "-n", "competence__label")
    )
    attested: dict[int, list[dict]] = {pk: [] for pk in ids}
    for row in rows:
        attested[row["member_id"]].append(
            {"label": row["competence__label"], "n": row["n"], "period": _period(row["first"], row["last"])}
        )
    return attested


def credentials_of(member_id: int) -> list:
    """The member's credentials, valid and revoked, each with its status: the page says which is which."""
    from compagnons.credentials.models import IssuedCredential

    return list(IssuedCredential.objects.filter(member_id=member_id).order_by("revoked_at", "-issued_at"))


def valid_titles(member_ids) -> dict[int, list[str]]:
    """Per member, the names of their credentials not revoked (the directory's cards). One query."""
    from compagnons.credentials.models import IssuedCredential

    titles: dict[int, list[str]] = {pk: [] for pk in member_ids}
    rows = IssuedCredential.objects.filter(member_id__in=list(titles), revoked_at__isnull=True).order_by("-issued_at")
    for member_id, name in rows.values_list("member_id", "name"):
        titles[member_id].append(name)
    return titles


def person_jsonld(profile: Profile, *, page_url: str, photo_url: str, credentials, attested, services_list) -> dict:
    """schema.org `Person`: the page, the photo, what clients attested, the valid credentials (each with its public
    verification page) and the services with their prices. Never the e-mail address."""
    from compagnons.credentials.services import ISSUER_NAME
    from compagnons.credentials.services import page_url as credential_url

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
    import json

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


# The preview image a shared link shows (Open Graph, Twitter card): 1200 × 630, drawn with Pillow.
SHARE_SIZE = (1200, 630)
# Each theme's colours, as in showcase.css: background, accent (band, name), text on the background.
SHARE_COLOURS = {
    "sobre": ("#f4f8f6", "#1d6b4f", "#1f2a26"),
    "chaleureux": ("#fbeee3", "#8a3b12", "#2e1f17"),
    "nuit": ("#1b2a4a", "#f2c14e", "#ffffff"),
}
FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF"]


def share_fingerprint(profile: Profile) -> str:
    """What the image shows: another name, headline, trade, region, photo or theme is another image."""
    member = profile.member
    state = (public_name(member), profile.headline, member.trade, member.region, profile.photo.name, profile.theme)
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def _font(size: int, *, bold: bool = False):
    from pathlib import Path

    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (Path(folder) / name).exists():
            return ImageFont.truetype(str(Path(folder) / name), size)
    return ImageFont.load_default(size=size)


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and draw.textlength(lines[-1] + " …", font=font) > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] = lines[-1].rstrip() + " …"
    return lines


def draw_share_image(profile: Profile) -> bytes:
    """Name, headline, trade and region, and the photo when there is one, in the page's theme: a PNG."""
    from PIL import Image, ImageDraw, ImageOps

    background, accent, ink = SHARE_COLOURS.get(profile.theme, SHARE_COLOURS["sobre"])
    width, height = SHARE_SIZE
    image = Image.new("RGB", SHARE_SIZE, background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, height), fill=accent)
    left = 90
    if profile.photo:
        try:
            with profile.photo.open("rb") as stored:
                photo = ImageOps.fit(Image.open(stored).convert("RGB"), (320, 320))
            mask = Image.new("L", (320, 320), 0)
            ImageDraw.Draw(mask).ellipse((0, 0, 319, 319), fill=255)
            image.paste(photo, (90, (height - 320) // 2), mask)
            left = 90 + 320 + 60
        except (OSError, ValueError):
            pass  # a missing or unreadable photo: the card without it
    text_width = width - left - 70
    y = 120
    name_font = _font(64, bold=True)
    for line in _wrap(draw, public_name(profile.member), name_font, text_width, 2):
        draw.text((left, y), line, font=name_font, fill=accent if profile.theme != "nuit" else ink)
        y += 78
    y += 12
    headline_font = _font(38)
    for line in _wrap(draw, profile.headline, headline_font, text_width, 4):
        draw.text((left, y), line, font=headline_font, fill=ink)
        y += 50
    member = profile.member
    facts = " · ".join(part for part in (member.trade, member.get_region_display()) if part)
    small = _font(30)
    if facts:
        draw.text((left, y + 20), _wrap(draw, facts, small, text_width, 1)[0], font=small, fill=ink)
    draw.text((left, height - 80), "Compagnons du télétravail", font=_font(28, bold=True), fill=accent)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def share_image(profile: Profile) -> bytes:
    """The page's preview image, drawn once per state of the page and kept in private storage (served by the view
    of published pages only); older versions are deleted when a new one is drawn."""
    from compagnons.core.storage import private_storage

    folder = f"share/{profile.pk}"
    name = f"{folder}/{share_fingerprint(profile)}.png"
    if private_storage.exists(name):
        with private_storage.open(name, "rb") as stored:
            return stored.read()
    data = draw_share_image(profile)
    # Saved under another name only if a simultaneous request saved it first: then that copy goes too.
    private_storage.save(name, ContentFile(data))
    for other in private_storage.listdir(folder)[1]:
        if f"{folder}/{other}" != name:
            private_storage.delete(f"{folder}/{other}")
    return data


def delete_share_images(profile: Profile) -> None:
    from compagnons.core.storage import private_storage

    folder = f"share/{profile.pk}"
    try:
        _dirs, files = private_storage.listdir(folder)
    except FileNotFoundError:
        return
    for other in files:
        private_storage.delete(f"{folder}/{other}")
