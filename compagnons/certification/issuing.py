"""What the jury asks the credentials app to issue: one credential per validated bloc, one for the title."""

from django.conf import settings
from django.urls import reverse

from compagnons.certification.models import Decision
from compagnons.credentials import services as credentials


def _alignments(competences) -> list[dict]:
    rows = []
    for c in competences:
        external = list(c.alignments.all())
        rows.append(
            {
                "name": f"{c.code} — {c.label}",
                "code": c.code,
                "url": f"{settings.SITE_URL}{reverse('skills:referentiel')}#bloc-{c.block.code}" if c.block else "",
                "framework": "Compagnons du télétravail",
            }
        )
        rows.extend(
            {"name": a.label or a.code, "code": a.code, "url": a.url, "framework": a.framework} for a in external
        )
    return rows


def issue_for(decision: Decision, *, newly_validated: list[int]) -> list:
    certification = decision.candidacy.masterpiece.certification
    evidence_url = f"{settings.SITE_URL}{reverse('certification:decision', args=[decision.pk])}"
    issued = []
    blocks = certification.blocks.filter(pk__in=newly_validated).prefetch_related(
        "competences__alignments", "competences__block"
    )
    for block in blocks:
        code = certification.full_block_code(block)
        issued.append(
            credentials.issue(
                member=decision.candidate,
                achievement_type="Competency",
                achievement_key=f"{certification.slug}/v{certification.version}/{block.code}",
                name=f"{code} — {block.label}",
                description=block.evaluation_methods,
                criteria=" ; ".join(c.label for c in block.competences.all()),
                alignments=_alignments(block.competences.all()),
                evidence=decision,
                evidence_url=evidence_url,
                evidence_name=str(decision),
            )
        )
    if decision.outcome == Decision.Outcome.VALIDATED:
        issued.append(
            credentials.issue(
                member=decision.candidate,
                achievement_type="Certification",
                achievement_key=f"{certification.slug}/v{certification.version}",
                name=certification.name,
                description=certification.activities,
                criteria=certification.jury_composition or certification.name,
                alignments=[],
                evidence=decision,
                evidence_url=evidence_url,
                evidence_name=str(decision),
            )
        )
    return issued
