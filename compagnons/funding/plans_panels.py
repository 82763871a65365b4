"""Funding's dashboard panel: a member's own agreements, certificates and invoices; the team's plans, BPF, invoices,
receivables and memberships. One query."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from compagnons.core.dashboard import Panel
from compagnons.core.permissions import is_team
from compagnons.funding.models import AgreementStatus, CompletionCertificate, Invoice, TrainingAgreement


def funding_panel(request) -> Panel | None:
    user = request.user
    if not user.is_authenticated:
        return None
    team = is_team(user)
    me = OuterRef("pk")
    found = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            to_sign=Exists(
                TrainingAgreement.objects.filter(
                    party_user=me, status=AgreementStatus.AWAITING, party_signed_at__isnull=True
                )
            ),
            agreements=Exists(TrainingAgreement.objects.filter(Q(party_user=me) | Q(enrollment__member=me))),
            certificates=Exists(CompletionCertificate.objects.filter(enrollment__member=me)),
            invoices=Exists(Invoice.objects.issued().filter(buyer_user=me)),
        )
        .values("to_sign", "agreements", "certificates", "invoices")
        .first()
    ) or {}
    documents = bool(found.get("agreements") or found.get("certificates"))
    invoices = bool(found.get("invoices"))
    if not (team or documents or invoices):
        return None
    return Panel(
        "funding/plans_panel.html",
        {"is_team": team, "to_sign": bool(found.get("to_sign")), "documents": documents, "invoices": invoices},
    )
