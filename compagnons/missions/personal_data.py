"""What the mission bank holds about a person, for the export and the erasure of their account."""

from django.db.models import Q

from compagnons.accounts.models import User
from compagnons.accounts.services import replace_ci
from compagnons.missions.models import Application, Lead, Message, Mission, Testimonial, WorkerProfile


def export(user: User) -> dict:
    profile = WorkerProfile.objects.filter(member=user).first()
    return {
        "worker_profile": (
            {"legal_status": profile.legal_status, "siret": profile.siret, "structure": profile.structure}
            if profile
            else None
        ),
        "missions_posted": [
            {"title": m.title, "status": m.status, "budget_cents": m.budget_cents}
            for m in Mission.objects.filter(client=user)
        ],
        "applications": [
            {"mission": a.mission_id, "status": a.status, "message": a.message}
            for a in Application.objects.filter(Q(applicant=user) | Q(partner=user))
        ],
        "messages": [{"application": m.application_id, "body": m.body} for m in Message.objects.filter(author=user)],
        "testimonials_written": [
            {"mission": t.mission_id, "text": t.text} for t in Testimonial.objects.filter(author=user)
        ],
        "leads": [{"contact": lead.contact, "need": lead.need} for lead in Lead.objects.filter(author=user)],
    }


def erase(user: User, traces: list[str]) -> None:
    """Missions, applications and testimonials stay (others depend on them) without the person's free text;
    the legal status and its documents go (invoices, kept by law, are outside this platform)."""
    for profile in WorkerProfile.objects.filter(member=user):
        if profile.urssaf_attestation:
            profile.urssaf_attestation.delete(save=False)
        profile.delete()
    Application.objects.filter(applicant=user).update(message="—", mentor_comment="")
    Message.objects.filter(author=user).update(body="—")
    Testimonial.objects.filter(author=user).update(text="—")
    Lead.objects.filter(author=user).update(contact="—", need="—")
    for trace in traces:
        for testimonial in Testimonial.objects.filter(about=user, text__icontains=trace):
            testimonial.text = replace_ci(testimonial.text, trace, "—")
            testimonial.save(update_fields=["text"])
