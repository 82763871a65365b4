"""What the quality app holds about a person: their survey answers and the complaints they filed.

Erasure keeps the rows (the satisfaction figures and the complaints register are Qualiopi evidence, and a
complaint may be needed to defend a claim, RGPD art. 17(3)(e)) and removes what names or describes the person.
"""

import re

from django.db.models import Q

from compagnons.quality.models import AuditExport, Complaint, Survey

ERASED = "—"


def _complaints_of(user, emails: list[str]):
    """Filed as a member, or as a visitor with one of the person's addresses."""
    same_address = Q()
    for email in emails:
        same_address |= Q(filer__isnull=True, email__iexact=email)
    return Complaint.objects.filter(Q(filer=user) | same_address)


def export(user) -> dict:
    return {
        "surveys": [
            {
                "kind": s.kind,
                "audience": s.audience,
                "event_at": s.event_at.isoformat(),
                "answered_at": s.answered_at.isoformat() if s.answered_at else None,
                "satisfaction": s.satisfaction,
                "expectations": s.expectations,
                "support": s.support,
                "recommend": s.recommend,
                "liked": s.liked,
                "improve": s.improve,
            }
            for s in Survey.objects.filter(person=user).order_by("event_at", "pk")
        ],
        "complaints": [
            {
                "number": c.number,
                "kind": c.kind,
                "topic": c.topic,
                "name": c.name,
                "email": c.email,
                "subject": c.subject,
                "body": c.body,
                "status": c.status,
                "received_at": c.received_at.isoformat(),
                "answer": c.answer,
                "answered_at": c.answered_at.isoformat() if c.answered_at else None,
            }
            for c in _complaints_of(user, [user.email]).order_by("received_at", "pk")
        ],
    }


def _scrub(text: str, traces: list[str]) -> str:
    for trace in traces:
        text = re.sub(re.escape(trace), ERASED, text, flags=re.IGNORECASE)
    return text


def erase(user, traces: list[str]) -> None:
    """Survey comments are cleared (scores stay, anonymous in the figures). Complaints the person filed (as a member
    or with the same address) lose the visitor's name and address, and their traces in subject, body and answer."""
    Survey.objects.filter(person=user).update(liked="", improve="")
    # The person's audit dossiers (their sessions, evaluations, decisions…) go with the account.
    for export in AuditExport.objects.filter(apprentice=user):
        if export.file:
            export.file.delete(save=False)
        export.delete()
    # By now the account's address is the erased one: the real one is among the traces.
    emails = [t for t in traces if "@" in t] + [user.email]
    for complaint in _complaints_of(user, emails):
        complaint.name = ""
        complaint.subject = _scrub(complaint.subject, traces)
        complaint.body = _scrub(complaint.body, traces)
        complaint.answer = _scrub(complaint.answer, traces)
        if complaint.filer_id is None:
            # Keep the « has a contact » constraint: the address becomes a non-routable placeholder.
            complaint.email = f"reclamation-{complaint.pk}@invalid.invalid"
        complaint.save(update_fields=["name", "email", "subject", "body", "answer"])
