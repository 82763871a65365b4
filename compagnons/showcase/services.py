"""Every write of the showcase: the page built in steps, its publication, reviews by a compagnon, contact and
invitations, the brochure asked for. The mentor is in the loop: a review of a page or a pitch by a compagnon counts as
a contribution in the ledger. The reads are in their own modules (site, recognitions, directory, brochure, share)."""

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.core import audit, ratelimit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.ids import parse_id
from compagnons.core.uploads import ImageTooLarge, ImageUnreadable, check_upload, reencode_image
from compagnons.ledger import services as ledger_services
from compagnons.missions.models import Mission
from compagnons.missions.services import fairness_problem
from compagnons.showcase import permissions
from compagnons.showcase.brochure import fingerprint
from compagnons.showcase.models import Brochure, ContactMessage, Invitation, Pitch, PortfolioItem, Profile, Service
from compagnons.showcase.notifications import forward_contact, forward_invitation
from compagnons.showcase.share import delete_share_images
from compagnons.showcase.tasks import build_brochure

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
    if not permissions.is_owner(user, profile):
        raise PermissionRefused(_("Cette page n'est pas la vôtre."))


def reach_step(profile: Profile, step: int) -> None:
    """Remember the furthest step of the editor reached, never going back (concurrent tabs included)."""
    Profile.objects.filter(pk=profile.pk, step__lt=step).update(step=step)


@transaction.atomic
def add_service(
    profile: Profile,
    *,
    by: User,
    title: str,
    price_cents: int,
    unit: str,
    hours: int | None = None,
    description: str = "",
) -> Service:
    _require_owner(profile, by)
    problem = service_problem(price_cents, unit, hours)
    if problem:
        raise InvalidTransition(problem)
    return Service.objects.create(
        profile=profile, title=title.strip(), description=description, price_cents=price_cents, unit=unit, hours=hours
    )


@transaction.atomic
def remove_service(profile: Profile, service_id, *, by: User) -> bool:
    _require_owner(profile, by)
    service_id = parse_id(service_id)
    if service_id is None:
        return False
    deleted, _rows = profile.services.filter(pk=service_id).delete()
    return bool(deleted)


@transaction.atomic
def set_theme(profile: Profile, theme: str, *, by: User) -> None:
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
    try:
        jpeg = reencode_image(
            upload,
            max_pixels=IMAGE_MAX_PIXELS,
            max_side=max_side,
            mode="RGB",
            image_format="JPEG",
            quality=85,
            optimize=True,
        )
    except ImageTooLarge as error:
        if error.size is None:
            raise InvalidTransition(
                _("Cette image est trop grande : réduisez-la sous %(max)s millions de pixels.")
                % {"max": IMAGE_MAX_PIXELS // 1_000_000}
            ) from None
        raise InvalidTransition(
            _(
                "Cette image est trop grande (%(width)s × %(height)s pixels) : "
                "réduisez-la sous %(max)s millions de pixels."
            )
            % {"width": error.size[0], "height": error.size[1], "max": IMAGE_MAX_PIXELS // 1_000_000}
        ) from None
    except ImageUnreadable:
        raise InvalidTransition(
            _("Cette image est illisible ou abîmée : enregistrez-la de nouveau (PNG ou JPEG) et réessayez.")
        ) from None
    return ContentFile(jpeg)


@transaction.atomic
def set_photo(profile: Profile, upload, *, by: User) -> Profile:
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
    profile: Profile, *, by: User, title: str, description: str = "", link: str = "", upload=None
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
def remove_portfolio_item(profile: Profile, item_id, *, by: User) -> bool:
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
def publish(profile: Profile, *, by: User) -> Profile:
    _require_owner(profile, by)
    if not profile.headline.strip() or not profile.services.exists():
        raise InvalidTransition(_("Avant de publier : une accroche et au moins une prestation."))
    profile.published = True
    profile.published_at = profile.published_at or timezone.now()
    profile.save(update_fields=["published", "published_at"])
    audit.log(by, "showcase.published", profile)
    return profile


@transaction.atomic
def unpublish(profile: Profile, *, by: User) -> Profile:
    if not permissions.can_unpublish(by, profile):
        raise PermissionRefused(_("Cette page n'est pas la vôtre."))
    profile.published = False
    profile.save(update_fields=["published"])
    audit.log(by, "showcase.unpublished", profile)
    transaction.on_commit(lambda: delete_share_images(profile))  # shared nowhere while the page is down
    return profile


# --- Reviews by a compagnon ------------------------------------------------------------------


def _require_compagnon(user: User) -> None:
    if not permissions.can_review(user):
        raise InvalidTransition(_("Choisissez un compagnon pour relire."))


@transaction.atomic
def ask_page_review(profile: Profile, reviewer: User, *, by: User) -> Profile:
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
def review_page(profile: Profile, *, by: User, comment: str) -> Profile:
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
def ask_pitch_review(pitch: Pitch, reviewer: User, *, by: User) -> Pitch:
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
def review_pitch(pitch: Pitch, *, by: User, comment: str, approve: bool) -> Pitch:
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
    transaction.on_commit(lambda: forward_contact.enqueue(message.pk))
    return message


# --- Invitations ------------------------------------------------------------------------------


@transaction.atomic
def invite(profile: Profile, mission: Mission, *, by: User) -> None:
    """A client invites a member to apply to one of their published missions."""
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
    transaction.on_commit(lambda: forward_invitation.enqueue(profile.pk, mission.pk))


def invitable_member(slug: str) -> User | None:
    """Registered with missions: the member behind a published page (active account), for « Proposer une mission »."""
    profile = Profile.objects.published().select_related("member").filter(slug=slug).first()
    return profile.member if profile else None


@transaction.atomic
def invite_on_publication(mission: Mission, *, by: User) -> bool:
    """Registered with missions, called by `missions.services.publish`: the mission was proposed from the page of
    `mission.invited`; staff have just published it. The member is invited once (the same `Invitation` and e-mail as
    « Inviter à candidater »), only while their page is published and their account active. True when sent."""
    if mission.status != Mission.Status.PUBLISHED or not mission.invited_id:
        return False
    profile = Profile.objects.published().filter(member_id=mission.invited_id).first()
    if profile is None:
        return False
    _invitation, created = Invitation.objects.get_or_create(profile=profile, mission=mission)
    if not created:
        return False
    audit.log(by, "showcase.invited", profile, mission=mission.pk, client=mission.client_id, on_publication=True)
    transaction.on_commit(lambda: forward_invitation.enqueue(profile.pk, mission.pk))
    return True


# --- Brochure -----------------------------------------------------------------------------------


@transaction.atomic
def request_brochure(profile: Profile, *, by: User) -> Brochure:
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
    transaction.on_commit(lambda: build_brochure.enqueue(brochure.pk))
    return brochure
