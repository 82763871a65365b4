"""Backfill: every bloc a jury validated before its compétences were recorded through the jury.

Writes the rows `services._certify_competences` writes (skills.Assessment: the candidate, each compétence of the
bloc, level 2 « acquis », source `jury`, assessor = who recorded the decision, the BlockDecision as evidence), dated
at the decision, and the audit entry `skills.assessed` the service writes for each (marked `backfill`). Idempotent:
a compétence already backed by that bloc (the evidence constraint) is skipped. Reverse: nothing.
"""

from django.conf import settings
from django.db import migrations

ACQUIRED = 2


def backfill_jury_assessments(apps, schema_editor):
    BlockDecision = apps.get_model("certification", "BlockDecision")
    Competence = apps.get_model("skills", "Competence")
    Assessment = apps.get_model("skills", "Assessment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditLog = apps.get_model("core", "AuditLog")
    block_decisions = BlockDecision.objects.filter(validated=True, withdrawn_at__isnull=True).select_related("decision")
    if not block_decisions.exists():
        return
    evidence_type, _created = ContentType.objects.get_or_create(app_label="certification", model="blockdecision")
    app_label, model_name = settings.AUTH_USER_MODEL.lower().split(".")
    member_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
    for block_decision in block_decisions.order_by("pk").iterator():
        decision = block_decision.decision
        done = set(
            Assessment.objects.filter(
                evidence_type=evidence_type,
                evidence_id=block_decision.pk,
                member_id=decision.candidate_id,
                source="jury",
            ).values_list("competence_id", flat=True)
        )
        competences = Competence.objects.filter(block_id=block_decision.block_id).exclude(pk__in=done).order_by("pk")
        for competence in competences:
            Assessment.objects.create(
                member_id=decision.candidate_id,
                competence_id=competence.pk,
                level=ACQUIRED,
                source="jury",
                assessor_id=decision.decided_by_id,
                comment="",
                evidence_type=evidence_type,
                evidence_id=block_decision.pk,
                assessed_at=decision.decided_at,
            )
            AuditLog.objects.create(
                actor_id=decision.decided_by_id,
                action="skills.assessed",
                target_type=member_type,
                target_id=str(decision.candidate_id),
                target_repr=f"Membre n°{decision.candidate_id}",
                data={"competence": competence.code, "level": ACQUIRED, "source": "jury", "backfill": True},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0002_blockdecision_withdrawal"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_rate_limit_counter"),
        ("skills", "0003_evidence_per_member_and_waiting_index"),
    ]

    operations = [migrations.RunPython(backfill_jury_assessments, migrations.RunPython.noop)]
