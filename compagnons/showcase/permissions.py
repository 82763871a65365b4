"""Who may do what with a mini-site, and « fetch it for this person or 404 » in one step."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.core.permissions import is_team
from compagnons.showcase.models import Brochure, Pitch, Profile


def can_have_page(user) -> bool:
    """Apprentices and compagnons sell themselves; the editor and the pitch are theirs."""
    return user.is_authenticated and (user.is_apprentice or user.is_compagnon)


def require_page_holder(user) -> None:
    if not can_have_page(user):
        raise Http404


def is_owner(user, profile: Profile) -> bool:
    return user.is_authenticated and user.pk == profile.member_id


def can_unpublish(user, profile: Profile) -> bool:
    """The member, or the team (a page that breaks the charter goes offline)."""
    return is_owner(user, profile) or is_team(user)


def can_invite(user, profile: Profile) -> bool:
    """A client invites a member to apply, never themself."""
    return user.is_authenticated and user.is_client and not is_owner(user, profile)


def can_review(user) -> bool:
    """Pages and pitches are read by compagnons."""
    return user.is_authenticated and user.is_compagnon


def get_profile_for_owner(user) -> Profile:
    return get_object_or_404(Profile, member=user)


def get_page_review_for_reviewer(user, pk: int) -> Profile:
    return get_object_or_404(Profile, pk=pk, review_requested_from=user)


def get_pitch_review_for_reviewer(user, pk: int) -> Pitch:
    return get_object_or_404(Pitch, pk=pk, reviewer=user)


def get_ready_brochure_for_owner(user) -> Brochure:
    brochure = get_object_or_404(Brochure.objects.select_related("profile"), profile__member=user)
    if not brochure.ready:
        raise Http404
    return brochure
