"""Import, export and versioning of a référentiel, as JSON ("compagnons-referentiel/1").

The format is documented in docs/skills.md; the shipped référentiel (data/referentiel-teletravail-v1.json)
is an example. A bad file gets the complete list of its faults and nothing is imported.
"""

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.core import audit
from compagnons.core.exceptions import PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.skills.models import Alignment, Assessment, Block, Certification, Competence, Trade

FORMAT = "compagnons-referentiel/1"
MAX_IMPORT_BYTES = 2 * 1024 * 1024
ROME_CODE = re.compile(r"^[A-N][0-9]{4}$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ReferentielInvalid(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


# --- Validation -------------------------------------------------------------------------


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where} : {message}" if where else message)

    def text(self, obj: dict, key: str, where: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = obj.get(key, "" if not required else None)
        if value is None:
            self.fail(f"{where}.{key}", _("champ obligatoire manquant"))
            return ""
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", _("doit être un texte"))
            return ""
        if required and not value.strip():
            self.fail(f"{where}.{key}", _("ne doit pas être vide"))
        if max_length and len(value) > max_length:
            self.fail(f"{where}.{key}", _("trop long (%(max)s caractères au plus)") % {"max": max_length})
        return value

    def items(self, obj: dict, key: str, where: str) -> list:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.fail(f"{where}.{key}", _("doit être une liste"))
            return []
        return value

    def mapping(self, value: Any, where: str) -> bool:
        if not isinstance(value, dict):
            self.fail(where, _("doit être un objet"))
            return False
        return True


def validate(data: Any) -> list[str]:
    """Every fault of a référentiel file, in French, each with where it is ("blocks[2].competences[0].code")."""
    check = _Checker()
    if not check.mapping(data, _("le fichier")):
        return check.errors
    if data.get("format") != FORMAT:
        check.fail("format", _("doit valoir « %(format)s »") % {"format": FORMAT})
    cert = data.get("certification")
    if not check.mapping(cert, "certification"):
        return check.errors
    where = "certification"
    slug = check.text(cert, "slug", where, max_length=80)
    if slug and not SLUG.match(slug):
        check.fail(f"{where}.slug", _("lettres minuscules, chiffres et tirets seulement"))
    check.text(cert, "name", where, max_length=250)
    kind = cert.get("kind")
    if kind not in Certification.Kind.values:
        check.fail(f"{where}.kind", _("doit valoir RNCP ou RS"))
    check.text(cert, "code", where, required=False, max_length=20)
    level = cert.get("level")
    if level is not None and (not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 8):
        check.fail(f"{where}.level", _("doit être un niveau entre 1 et 8, ou null"))
    version = cert.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        check.fail(f"{where}.version", _("doit être un entier positif"))
    for key in ("activities", "jury_composition"):
        check.text(cert, key, where, required=False)
    for i, code in enumerate(check.items(cert, "rome_codes", where)):
        if not isinstance(code, str) or not ROME_CODE.match(code):
            check.fail(f"{where}.rome_codes[{i}]", _("code ROME invalide (une lettre et quatre chiffres)"))

    codes: set[str] = set()
    blocks = check.items(cert, "blocks", where)
    loose = check.items(cert, "competences", where)
    if kind == Certification.Kind.RNCP and not blocks:
        check.fail(f"{where}.blocks", _("un titre RNCP a au moins un bloc de compétences"))
    if kind == Certification.Kind.RS and blocks:
        check.fail(
            f"{where}.blocks", _("une certification RS n'a pas de blocs : mettez ses compétences dans « competences »")
        )
    if kind == Certification.Kind.RNCP and loose:
        check.fail(f"{where}.competences", _("dans un titre RNCP, chaque compétence appartient à un bloc"))
    if kind == Certification.Kind.RS and not loose:
        check.fail(f"{where}.competences", _("une certification RS a au moins une compétence"))
    block_codes: set[str] = set()
    for b, block in enumerate(blocks):
        bwhere = f"{where}.blocks[{b}]"
        if not check.mapping(block, bwhere):
            continue
        code = check.text(block, "code", bwhere, max_length=30)
        if code in block_codes:
            check.fail(f"{bwhere}.code", _("le code %(code)s est en double") % {"code": code})
        block_codes.add(code)
        check.text(block, "label", bwhere, max_length=250)
        check.text(block, "evaluation_methods", bwhere)
        check.text(block, "prerequisites", bwhere, required=False)
        competences = check.items(block, "competences", bwhere)
        if not competences:
            check.fail(f"{bwhere}.competences", _("un bloc a au moins une compétence"))
        for c, competence in enumerate(competences):
            _check_competence(check, competence, f"{bwhere}.competences[{c}]", codes)
    for c, competence in enumerate(loose):
        _check_competence(check, competence, f"{where}.competences[{c}]", codes)

    for t, trade in enumerate(check.items(data, "trades", "")):
        twhere = f"trades[{t}]"
        if not check.mapping(trade, twhere):
            continue
        rome = check.text(trade, "rome_code", twhere)
        if rome and not ROME_CODE.match(rome):
            check.fail(f"{twhere}.rome_code", _("code ROME invalide (une lettre et quatre chiffres)"))
        check.text(trade, "label", twhere, max_length=200)
        check.text(trade, "description", twhere, required=False)
        for i, code in enumerate(check.items(trade, "competences", twhere)):
            if code not in codes:
                check.fail(f"{twhere}.competences[{i}]", _("la compétence %(code)s n'existe pas") % {"code": code})
    return check.errors


def _check_competence(check: _Checker, competence: Any, where: str, codes: set[str]) -> None:
    if not check.mapping(competence, where):
        return
    code = check.text(competence, "code", where, max_length=30)
    if code in codes:
        check.fail(f"{where}.code", _("le code %(code)s est en double") % {"code": code})
    codes.add(code)
    check.text(competence, "label", where, max_length=250)
    check.text(competence, "description", where, required=False)
    if competence.get("kind") not in Competence.Kind.values:
        check.fail(f"{where}.kind", _("doit valoir savoir-faire, savoir-etre ou savoir"))
    criteria = check.items(competence, "criteria", where)
    if not criteria:
        check.fail(f"{where}.criteria", _("au moins un critère d'évaluation"))
    for i, criterion in enumerate(criteria):
        if not isinstance(criterion, str) or not criterion.strip():
            check.fail(f"{where}.criteria[{i}]", _("doit être un texte non vide"))
    for a, alignment in enumerate(check.items(competence, "alignments", where)):
        awhere = f"{where}.alignments[{a}]"
        if not check.mapping(alignment, awhere):
            continue
        if alignment.get("framework") not in Alignment.Framework.values:
            check.fail(f"{awhere}.framework", _("doit valoir ESCO ou ROME"))
        check.text(alignment, "code", awhere, max_length=200)
        check.text(alignment, "label", awhere, required=False, max_length=250)
        check.text(alignment, "url", awhere, required=False, max_length=500)


# --- Import / export ----------------------------------------------------------------------


@transaction.atomic
def import_referentiel(data: Any, *, by: User | None = None, activate: bool = False) -> Certification:
    """Create a certification version (and update the trades) from a référentiel file. All or nothing."""
    errors = validate(data)
    if errors:
        raise ReferentielInvalid(errors)
    cert_data = data["certification"]
    slug, version = cert_data["slug"], cert_data.get("version", 1)
    if Certification.objects.filter(slug=slug, version=version).exists():
        raise ReferentielInvalid(
            [
                _("La version %(version)s de « %(slug)s » existe déjà : changez « version ».")
                % {"version": version, "slug": slug}
            ]
        )
    cert = Certification.objects.create(
        slug=slug,
        version=version,
        name=cert_data["name"],
        kind=cert_data["kind"],
        code=cert_data.get("code", ""),
        level=cert_data.get("level"),
        activities=cert_data.get("activities", ""),
        jury_composition=cert_data.get("jury_composition", ""),
        rome_codes=cert_data.get("rome_codes", []),
    )
    for b, block_data in enumerate(cert_data.get("blocks", [])):
        block = Block.objects.create(
            certification=cert,
            code=block_data["code"],
            label=block_data["label"],
            evaluation_methods=block_data.get("evaluation_methods", ""),
            prerequisites=block_data.get("prerequisites", ""),
            position=b,
        )
        _create_competences(cert, block, block_data["competences"])
    _create_competences(cert, None, cert_data.get("competences", []))
    for trade_data in data.get("trades", []):
        Trade.objects.update_or_create(
            rome_code=trade_data["rome_code"],
            defaults={
                "label": trade_data["label"],
                "description": trade_data.get("description", ""),
                "competence_codes": trade_data.get("competences", []),
            },
        )
    audit.log(by, "referentiel.imported", cert, slug=slug, version=version)
    if activate:
        activate_version(cert, by=by, check_rights=False)
    return cert


def _create_competences(cert: Certification, block: Block | None, items: list[dict]) -> None:
    for c, item in enumerate(items):
        competence = Competence.objects.create(
            certification=cert,
            block=block,
            code=item["code"],
            label=item["label"],
            description=item.get("description", ""),
            kind=item["kind"],
            criteria=[criterion.strip() for criterion in item["criteria"]],
            position=c,
        )
        Alignment.objects.bulk_create(
            Alignment(
                competence=competence,
                framework=a["framework"],
                code=a["code"],
                label=a.get("label", ""),
                url=a.get("url", ""),
            )
            for a in item.get("alignments", [])
        )


def _competence_data(competence: Competence) -> dict:
    return {
        "code": competence.code,
        "label": competence.label,
        "description": competence.description,
        "kind": competence.kind,
        "criteria": list(competence.criteria),
        "alignments": [
            {"framework": a.framework, "code": a.code, "label": a.label, "url": a.url}
            for a in competence.alignments.all()
        ],
    }


def export_referentiel(cert: Certification) -> dict:
    competences = list(cert.competences.prefetch_related("alignments").order_by("position", "code"))
    by_block: dict[int | None, list[Competence]] = {}
    for competence in competences:
        by_block.setdefault(competence.block_id, []).append(competence)
    codes = {c.code for c in competences}
    return {
        "format": FORMAT,
        "certification": {
            "slug": cert.slug,
            "name": cert.name,
            "kind": cert.kind,
            "code": cert.code,
            "level": cert.level,
            "version": cert.version,
            "activities": cert.activities,
            "jury_composition": cert.jury_composition,
            "rome_codes": list(cert.rome_codes),
            "blocks": [
                {
                    "code": block.code,
                    "label": block.label,
                    "evaluation_methods": block.evaluation_methods,
                    "prerequisites": block.prerequisites,
                    "competences": [_competence_data(c) for c in by_block.get(block.pk, [])],
                }
                for block in cert.blocks.order_by("position", "code")
            ],
            "competences": [_competence_data(c) for c in by_block.get(None, [])],
        },
        "trades": [
            {
                "rome_code": t.rome_code,
                "label": t.label,
                "description": t.description,
                "competences": [code for code in t.competence_codes if code in codes],
            }
            for t in Trade.objects.order_by("label")
        ],
    }


# --- Versions -----------------------------------------------------------------------------


def is_frozen(cert: Certification) -> bool:
    """A version someone was assessed or positioned against is never rewritten."""
    return cert.positionings.exists() or Assessment.objects.filter(competence__certification=cert).exists()


def _check_staff(by: User | None) -> None:
    if not (by is not None and is_team(by)):
        raise PermissionRefused(_("Seule l'équipe peut modifier le référentiel."))


@transaction.atomic
def new_version(cert: Certification, *, by: User) -> Certification:
    """A draft copy of a version, numbered after the latest one, for staff to edit then activate."""
    _check_staff(by)
    latest = Certification.objects.filter(slug=cert.slug).order_by("-version").first()
    data = export_referentiel(cert)
    data["certification"]["version"] = latest.version + 1
    data.pop("trades")
    copy = import_referentiel(data, by=by)
    audit.log(by, "referentiel.version_created", copy, based_on=cert.version)
    return copy


@transaction.atomic
def activate_version(cert: Certification, *, by: User | None, check_rights: bool = True) -> Certification:
    """Put a version in force; the previous one is archived (kept, with everything assessed against it)."""
    if check_rights:
        _check_staff(by)
    Certification.objects.select_for_update(of=("self",)).filter(slug=cert.slug)
    Certification.objects.filter(slug=cert.slug, status=Certification.Status.ACTIVE).exclude(pk=cert.pk).update(
        status=Certification.Status.ARCHIVED
    )
    cert.status = Certification.Status.ACTIVE
    cert.activated_at = timezone.now()
    cert.save(update_fields=["status", "activated_at"])
    audit.log(by, "referentiel.activated", cert, version=cert.version)
    return cert
