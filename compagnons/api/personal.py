"""Personal operations, with a personal access token and its scope: the member's own data, and the writes the web
pages offer, through the same services (same rules, same audit log)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from compagnons.accounts.models import User
from compagnons.api import pagination
from compagnons.api.auth import TokenAuth
from compagnons.api.models import Scope
from compagnons.api.problems import ERRORS, InvalidInput
from compagnons.api.public import Cursor, Limit
from compagnons.api.schemas import ApplicationOut, ApplyIn, LedgerOut, ProfileOut, SessionOut, page_of
from compagnons.coaching.models import Booking
from compagnons.ledger import balances
from compagnons.ledger.models import Movement
from compagnons.missions import permissions as mission_permissions
from compagnons.missions import services as mission_services
from compagnons.missions.models import Application

router = Router(tags=["personnel"])


def _application(application: Application) -> dict:
    return {
        "id": application.pk,
        "mission_id": application.mission_id,
        "mission_title": application.mission.title,
        "status": application.status,
        "review_requested": application.review_requested,
        "created_at": application.created_at,
        "sent_at": application.sent_at,
    }


@router.get("/moi", auth=TokenAuth(Scope.READ_PROFILE), response={200: ProfileOut, **ERRORS}, summary="Mon profil")
def me(request: HttpRequest):
    """Votre profil de membre."""
    user = request.auth.user
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "roles": sorted(user.roles),
        "trade": user.trade,
        "region": user.region,
        "languages": user.languages,
        "availability": user.availability,
        "date_joined": user.date_joined,
    }


@router.get(
    "/moi/candidatures",
    auth=TokenAuth(Scope.READ_MISSIONS),
    response={200: page_of(ApplicationOut), **ERRORS},
    summary="Mes candidatures",
)
def my_applications(request: HttpRequest, cursor: str | None = Cursor, limit: int = Limit):
    """Vos candidatures, les plus récentes d'abord."""
    queryset = Application.objects.filter(applicant=request.auth.user).select_related("mission")
    items, next_cursor = pagination.keyset(queryset, cursor=cursor, limit=limit)
    return {"items": [_application(a) for a in items], "next_cursor": next_cursor}


@router.get(
    "/moi/candidatures/{application_id}",
    auth=TokenAuth(Scope.READ_MISSIONS),
    response={200: ApplicationOut, **ERRORS},
    summary="Une de mes candidatures",
)
def my_application(request: HttpRequest, application_id: int):
    """Seulement les vôtres : la candidature d'un autre membre est introuvable (404), comme sur le site."""
    return _application(
        get_object_or_404(Application.objects.select_related("mission"), pk=application_id, applicant=request.auth.user)
    )


@router.post(
    "/missions/{mission_id}/candidatures",
    auth=TokenAuth(Scope.WRITE_APPLICATIONS),
    response={201: ApplicationOut, **ERRORS},
    summary="Candidater à une mission",
)
def apply(request: HttpRequest, mission_id: int, body: ApplyIn):
    """Le même service que la page de la mission (`missions.services.apply`) : plafond de candidatures ouvertes,
    binôme, relecture du compagnon, pause des contreparties ; ses refus reviennent en 403 ou 422, en français."""
    user = request.auth.user
    mission = mission_permissions.get_mission_for_viewer(user, mission_id)
    partner = None
    if body.partner_id is not None:
        partner = User.objects.active().filter(pk=body.partner_id).first()
        if partner is None:
            raise InvalidInput(_("Ce binôme n'existe pas."))
    application = mission_services.apply(
        mission, user, message=body.message, partner=partner, request_review=body.review
    )
    return Status(201, _application(application))


@router.get(
    "/moi/contreparties",
    auth=TokenAuth(Scope.READ_LEDGER),
    response={200: LedgerOut, **ERRORS},
    summary="Mes contreparties",
)
def my_ledger(request: HttpRequest, cursor: str | None = Cursor, limit: int = Limit):
    """Votre solde en minutes, sa position par rapport au plancher, et vos mouvements, les plus récents d'abord."""
    user = request.auth.user
    standing = balances.standing(user)
    queryset = Movement.objects.filter(account__owner=user).select_related("transaction")
    items, next_cursor = pagination.keyset(queryset, cursor=cursor, limit=limit)
    return {
        "balance_minutes": standing.balance,
        "floor_minutes": standing.floor,
        "below_floor": standing.below_floor,
        "exempt": standing.exempt,
        "movements": [
            {
                "created_at": m.created_at,
                "minutes": m.minutes,
                "kind": m.transaction.kind,
                "state": m.transaction.state,
                "note": m.transaction.note,
            }
            for m in items
        ],
        "next_cursor": next_cursor,
    }


@router.get(
    "/moi/seances",
    auth=TokenAuth(Scope.READ_SESSIONS),
    response={200: page_of(SessionOut), **ERRORS},
    summary="Mes séances de coaching",
)
def my_sessions(request: HttpRequest, cursor: str | None = Cursor, limit: int = Limit):
    """Vos réservations de séances de coaching, les plus récentes d'abord."""
    queryset = Booking.objects.filter(member=request.auth.user).select_related("slot__coach")
    items, next_cursor = pagination.keyset(queryset, cursor=cursor, limit=limit)
    return {
        "items": [
            {
                "id": b.pk,
                "title": b.slot.title,
                "starts_at": b.slot.starts_at,
                "ends_at": b.slot.ends_at,
                "mode": b.slot.mode,
                "coach": b.slot.coach.display_name,
                "status": b.status,
            }
            for b in items
        ],
        "next_cursor": next_cursor,
    }
