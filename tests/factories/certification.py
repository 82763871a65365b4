"""Certification: a candidate judged by a jury, through certification's services."""

import datetime

from django.utils import timezone

from compagnons.certification import services as jury
from compagnons.certification.models import JurySession, Masterpiece
from compagnons.skills.models import Certification
from tests.factories.accounts import UserFactory


def judge_by_jury(candidate, *, by, validated=None, route="vae"):
    """Take a candidate through certification's services: a chef-d'œuvre (VAE by default: no path needed; for
    `route="parcours"` the candidate must already be aspirant·e with a chef-d'œuvre confirmed ready), a jury of three
    (two external) who declare and fill every grid, then staff's decision. `validated`: the blocs to validate
    (default: every bloc); the others are refused with a reason. Returns the Decision."""
    certification = Certification.objects.current()
    blocks = list(certification.blocks.all())
    validated = blocks if validated is None else list(validated)
    masterpiece = Masterpiece.objects.filter(candidate=candidate, status=Masterpiece.Status.READY).first()
    if masterpiece is None:
        masterpiece = jury.declare_masterpiece(
            candidate,
            certification=certification,
            title="Dossier d'expérience",
            account="Dix ans de métier, attestations jointes.",
            competences=certification.competences.all()[:3],
            route=route,
        )
    session = JurySession.objects.create(
        certification=certification,
        date=timezone.localdate() - datetime.timedelta(days=1),
        place="Visio",
        organised_by=by,
    )
    candidacy = jury.add_candidate(session, masterpiece, by=by)
    seats = [
        jury.add_member(session, UserFactory(), by=by, is_external=True, profession="Graphiste"),
        jury.add_member(session, UserFactory(), by=by, is_external=True, profession="Comptable"),
        jury.add_member(session, UserFactory(compagnon=True), by=by, is_external=False, profession="Compagnon"),
    ]
    remaining = [b for b in blocks if b.pk not in jury.validated_blocks(candidate)]
    for seat in seats:
        jury.declare_no_conflict(seat, by=seat.user)
        for block in remaining:
            jury.evaluate(candidacy, block, by=seat.user, criteria_met=[0], proposes_validation=block in validated)
    results = {b.pk: (True, "") if b in validated else (False, "À retravailler") for b in remaining}
    return jury.decide(candidacy, results, by=by)
