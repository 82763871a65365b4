"""Load the shipped référentiel (version 1) and the trades on a fresh database.

The file is frozen: a later version of the référentiel ships as a new file and a new migration
(or is imported by staff), never by editing this one.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

DATA = Path(__file__).resolve().parent.parent / "data" / "referentiel-teletravail-v1.json"


def load(apps, schema_editor):
    Certification = apps.get_model("skills", "Certification")
    Block = apps.get_model("skills", "Block")
    Competence = apps.get_model("skills", "Competence")
    Alignment = apps.get_model("skills", "Alignment")
    Trade = apps.get_model("skills", "Trade")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    c = data["certification"]
    if Certification.objects.filter(slug=c["slug"], version=c["version"]).exists():
        return
    cert = Certification.objects.create(
        slug=c["slug"],
        version=c["version"],
        name=c["name"],
        kind=c["kind"],
        code=c["code"],
        level=c["level"],
        activities=c["activities"],
        jury_composition=c["jury_composition"],
        rome_codes=c["rome_codes"],
        status="active",
        activated_at=timezone.now(),
    )

    def competences(block, items):
        for position, item in enumerate(items):
            competence = Competence.objects.create(
                certification=cert,
                block=block,
                code=item["code"],
                label=item["label"],
                description=item["description"],
                kind=item["kind"],
                criteria=item["criteria"],
                position=position,
            )
            for a in item.get("alignments", []):
                Alignment.objects.create(competence=competence, **a)

    for position, b in enumerate(c["blocks"]):
        block = Block.objects.create(
            certification=cert,
            code=b["code"],
            label=b["label"],
            evaluation_methods=b["evaluation_methods"],
            prerequisites=b["prerequisites"],
            position=position,
        )
        competences(block, b["competences"])
    competences(None, c["competences"])
    for t in data["trades"]:
        Trade.objects.update_or_create(
            rome_code=t["rome_code"],
            defaults={"label": t["label"], "description": t["description"], "competence_codes": t["competences"]},
        )


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
