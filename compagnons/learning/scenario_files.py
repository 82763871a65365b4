"""Scenario files (YAML or JSON, format `compagnons.scenario/1`): parse, validate, import in one transaction, export.

The validator returns the whole list of what is wrong, in French, naming the nodes; nothing is written unless the
file is entirely sound, and the writes themselves run in one transaction (nothing half-imported). Importing a file
whose content did not change makes nothing; a changed one makes a new immutable `ScenarioVersion`.
"""

import json
import re
from collections import deque
from pathlib import Path, PurePath

import yaml
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from compagnons.learning.models import Choice, Node, Scenario, ScenarioVersion, Status
from compagnons.skills.models import Certification, Competence

FORMAT = "compagnons.scenario/1"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
TOP_KEYS = {"format", "slug", "title", "summary", "minutes", "situation", "cast", "start", "nodes"}
NODE_KEYS = {"speaker", "text", "choices", "ending", "image", "image_alt"}
CHOICE_KEYS = {"label", "consequence", "competences", "to"}
ENDING_KEYS = {"title", "debrief"}
MAX_MINUTES = 120


class InvalidScenarioFile(ValueError):
    """A file that cannot be imported; `errors` holds every problem found, in French."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(" ".join(self.errors))


# --- Reading -------------------------------------------------------------------------------------------------


def parse(text: str) -> dict:
    """The file's structure, from YAML or JSON (JSON is YAML, but its own parser gives clearer messages)."""
    if not text or not text.strip():
        raise InvalidScenarioFile([_("Le fichier est vide.")])
    stripped = text.lstrip()
    try:
        data = json.loads(text) if stripped.startswith("{") else yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise InvalidScenarioFile(
            [_("Le JSON est mal formé (ligne %(line)s) : %(msg)s.") % {"line": error.lineno, "msg": error.msg}]
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _(" (ligne %(line)s)") % {"line": mark.line + 1} if mark is not None else ""
        raise InvalidScenarioFile(
            [_("Le YAML est mal formé%(where)s : vérifiez l'indentation et les guillemets.") % {"where": where}]
        ) from None
    if not isinstance(data, dict):
        raise InvalidScenarioFile([_("Le fichier doit décrire une mise en situation (des clés et leurs valeurs).")])
    return data


def current_codes() -> set[str]:
    certification = Certification.objects.current()
    if certification is None:
        return set()
    return set(Competence.objects.filter(certification=certification).values_list("code", flat=True))


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def validate(data: dict, *, codes: set[str] | None = None) -> list[str]:
    """Every problem of the file, in French, naming the nodes. An empty list: the file can be imported."""
    codes = current_codes() if codes is None else codes
    errors: list[str] = []
    add = errors.append
    if data.get("format") != FORMAT:
        add(_("La clé « format » doit valoir « %(format)s ».") % {"format": FORMAT})
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        add(_("Clés inconnues en tête du fichier : %(keys)s.") % {"keys": ", ".join(map(str, unknown))})
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 80:
        add(_("L'identifiant (« slug ») doit être fait de minuscules, chiffres et tirets (80 caractères au plus)."))
    title = data.get("title")
    if not _text(title) or len(title) > 160:
        add(_("Le titre (« title ») est obligatoire (160 caractères au plus)."))
    summary = data.get("summary", "")
    if summary is not None and (not isinstance(summary, str) or len(summary) > 300):
        add(_("Le résumé (« summary ») est une phrase de 300 caractères au plus."))
    minutes = data.get("minutes", 10)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MINUTES:
        add(_("La durée (« minutes ») est un nombre entier entre 1 et %(max)s.") % {"max": MAX_MINUTES})
    if not _text(data.get("situation")):
        add(_("La situation (« situation ») est obligatoire : c'est ce que lit la personne avant de commencer."))
    cast = data.get("cast") or {}
    if not isinstance(cast, dict) or not all(
        isinstance(k, str) and KEY.match(k) and _text(v) and len(k) <= 60 for k, v in cast.items()
    ):
        add(_("Les personnages (« cast ») s'écrivent « clé: nom affiché », la clé en minuscules sans espace."))
        cast = {}
    nodes = data.get("nodes")
    if not isinstance(nodes, dict) or not nodes:
        add(_("La mise en situation n'a aucune étape (« nodes »)."))
        return errors
    start = data.get("start")
    if start not in nodes:
        add(_("L'étape de départ (« start ») « %(start)s » n'existe pas.") % {"start": start})

    edges: dict[str, list[str]] = {}
    endings: set[str] = set()
    for key, node in nodes.items():
        if not isinstance(key, str) or not KEY.match(key) or len(key) > 60:
            add(_("Le nom d'étape « %(node)s » doit être fait de minuscules, chiffres et tirets.") % {"node": key})
        if not isinstance(node, dict):
            add(_("L'étape « %(node)s » doit avoir un texte et des choix, ou une fin.") % {"node": key})
            edges[key] = []
            continue
        _check_node(key, node, nodes, cast, codes, add, edges, endings)

    if not endings:
        add(_("La mise en situation n'a aucune fin (« ending ») : il en faut au moins une."))
    if start in nodes:
        reached = _reach({start}, edges)
        unreached = [key for key in nodes if key not in reached]
        if unreached:
            add(
                _("Étapes impossibles à atteindre depuis le départ : %(nodes)s.")
                % {"nodes": ", ".join(f"« {k} »" for k in unreached)}
            )
        if endings:
            backwards: dict[str, list[str]] = {}
            for source, targets in edges.items():
                for target in targets:
                    backwards.setdefault(target, []).append(source)
            can_end = _reach(endings, backwards)
            trapped = [key for key in nodes if key in reached and key not in can_end and key not in endings]
            if trapped:
                add(
                    _("Boucle sans issue : depuis %(nodes)s, aucune fin n'est atteignable.")
                    % {"nodes": ", ".join(f"« {k} »" for k in trapped)}
                )
    return errors


def _check_node(key, node, nodes, cast, codes, add, edges, endings) -> None:
    names = {"node": key}
    unknown = sorted(set(node) - NODE_KEYS)
    if unknown:
        add(_("Étape « %(node)s » : clés inconnues %(keys)s.") % {**names, "keys": ", ".join(map(str, unknown))})
    speaker = node.get("speaker")
    if speaker not in (None, "") and speaker not in cast:
        add(_("Étape « %(node)s » : « %(who)s » ne fait pas partie des personnages.") % {**names, "who": speaker})
    if node.get("text") is not None and not isinstance(node.get("text"), str):
        add(_("Étape « %(node)s » : le texte doit être du texte.") % names)
    image = node.get("image")
    if image not in (None, "") and (not isinstance(image, str) or "/" in image or "\\" in image):
        add(_("Étape « %(node)s » : « image » est le nom d'un fichier d'image, sans dossier.") % names)
    if node.get("image") and not _text(node.get("image_alt")):
        add(_("Étape « %(node)s » : une image demande sa description (« image_alt »).") % names)
    ending, choices = node.get("ending"), node.get("choices")
    edges[key] = []
    if ending is not None:
        endings.add(key)
        if choices:
            add(_("Étape « %(node)s » : une fin n'a pas de choix.") % names)
        if not isinstance(ending, dict) or not _text(ending.get("title")) or len(ending.get("title")) > 160:
            add(_("Étape « %(node)s » : une fin a un titre (« title », 160 caractères au plus).") % names)
        elif set(ending) - ENDING_KEYS:
            add(_("Étape « %(node)s » : une fin n'a qu'un titre et un débriefing.") % names)
        elif ending.get("debrief") is not None and not isinstance(ending.get("debrief"), str):
            add(_("Étape « %(node)s » : le débriefing de la fin doit être du texte.") % names)
        return
    if not choices:
        add(_("Étape « %(node)s » : une impasse. Donnez-lui des choix, ou faites-en une fin.") % names)
        return
    if not isinstance(choices, list):
        add(_("Étape « %(node)s » : les choix s'écrivent en liste.") % names)
        return
    if not _text(node.get("text")):
        add(_("Étape « %(node)s » : le texte est obligatoire avant des choix.") % names)
    for number, choice in enumerate(choices, start=1):
        where = {**names, "n": number}
        if not isinstance(choice, dict):
            add(_("Étape « %(node)s », choix %(n)s : un choix a un libellé et une étape d'arrivée.") % where)
            continue
        if set(choice) - CHOICE_KEYS:
            add(
                _("Étape « %(node)s », choix %(n)s : clés inconnues %(keys)s.")
                % {**where, "keys": ", ".join(map(str, sorted(set(choice) - CHOICE_KEYS)))}
            )
        label = choice.get("label")
        if not _text(label) or len(label) > 500:
            add(_("Étape « %(node)s », choix %(n)s : le libellé est obligatoire (500 caractères au plus).") % where)
        consequence = choice.get("consequence", "")
        if consequence is not None and (not isinstance(consequence, str) or len(consequence) > 500):
            add(_("Étape « %(node)s », choix %(n)s : la conséquence a 500 caractères au plus.") % where)
        target = choice.get("to")
        if not isinstance(target, str) or target not in nodes:
            add(_("Étape « %(node)s », choix %(n)s : l'étape « %(to)s » n'existe pas.") % {**where, "to": target})
        else:
            edges[key].append(target)
        listed = choice.get("competences") or []
        if not isinstance(listed, list):
            add(_("Étape « %(node)s », choix %(n)s : les compétences s'écrivent en liste.") % where)
            continue
        missing = [str(code) for code in listed if code not in codes]
        if missing:
            add(
                _("Étape « %(node)s », choix %(n)s : compétences absentes du référentiel en vigueur : %(codes)s.")
                % {**where, "codes": ", ".join(missing)}
            )


def _reach(sources: set[str], edges: dict[str, list[str]]) -> set[str]:
    seen = set(sources)
    queue = deque(sources)
    while queue:
        for target in edges.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def check(text: str) -> dict:
    """Parse and validate; the structure, or InvalidScenarioFile with every error."""
    data = parse(text)
    errors = validate(data)
    if errors:
        raise InvalidScenarioFile(errors)
    return data


# --- Writing ---------------------------------------------------------------------------------------------------


def _canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def stored_images(slug: str) -> dict[str, str]:
    """{file name: stored name} of the node images of the scenario's versions: a file naming one (as export does)
    keeps it without sending it again."""
    names = Node.objects.filter(version__scenario__slug=slug).exclude(image="").values_list("image", flat=True)
    return {PurePath(name).name: name for name in names}


def resolve_images(data: dict, *, images: dict | None = None, folder: Path | None = None) -> tuple[dict, list[str]]:
    """For each node naming an image: the file sent with the scenario (`images`, by name), else the one in `folder`
    (the shipped content), else the scenario's image of that name already stored. ({node key: source}, errors)."""
    images = images or {}
    stored = stored_images(data.get("slug") or "")
    found, errors = {}, []
    for key, node in (data.get("nodes") or {}).items():
        name = node.get("image") if isinstance(node, dict) else None
        if not name:
            continue
        if name in images:
            found[key] = images[name]
        elif folder is not None and (folder / name).is_file():
            found[key] = folder / name
        elif name in stored:
            found[key] = stored[name]
        else:
            errors.append(
                _("Étape « %(node)s » : l'image « %(name)s » est introuvable ; joignez-la au fichier.")
                % {"node": key, "name": name}
            )
    return found, errors


@transaction.atomic
def import_file(text: str, *, by, folder: Path | None = None, images: dict | None = None) -> Scenario:
    """Import a scenario file; a new version when the content changed (or images were sent), nothing when it did not.
    Node images come from `images` ({file name: uploaded file}, the staff's form), `folder` (the shipped content)
    or the scenario's images already stored; an image found nowhere is an error, like the file's."""
    data = check(text)
    found, errors = resolve_images(data, images=images, folder=folder)
    if errors:
        raise InvalidScenarioFile(errors)
    scenario = Scenario.objects.select_for_update().filter(slug=data["slug"]).first()
    if scenario is None:
        scenario = Scenario.objects.create(slug=data["slug"], title=data["title"])
    elif scenario.current_id is not None and not images:
        current = ScenarioVersion.objects.only("source").get(pk=scenario.current_id)
        try:
            unchanged = _canonical(parse(current.source)) == _canonical(data)
        except InvalidScenarioFile:
            unchanged = False
        if unchanged:
            return scenario
    number = (scenario.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = ScenarioVersion.objects.create(
        scenario=scenario,
        number=number,
        situation=data["situation"],
        cast=data.get("cast") or {},
        source=text,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    nodes = _write_nodes(version, data, found)
    used = _write_choices(data, nodes)
    version.start = nodes[data["start"]]
    version.save(update_fields=["start"])
    scenario.title = data["title"]
    scenario.summary = data.get("summary") or ""
    scenario.minutes = data.get("minutes", 10)
    scenario.current = version
    if scenario.status == Status.DRAFT:
        scenario.status = Status.PUBLISHED
    scenario.save(update_fields=["title", "summary", "minutes", "current", "status"])
    scenario.competences.set(used)
    return scenario


def _write_nodes(version: ScenarioVersion, data: dict, images: dict) -> dict[str, Node]:
    cast = data.get("cast") or {}
    nodes: dict[str, Node] = {}
    for key, raw in data["nodes"].items():
        ending = raw.get("ending") or {}
        node = Node(
            version=version,
            key=key,
            speaker=raw["speaker"] if raw.get("speaker") in cast else "",
            text=raw.get("text") or "",
            is_ending="ending" in raw and raw["ending"] is not None,
            ending_title=ending.get("title", ""),
            debrief=ending.get("debrief") or "",
            image_alt=raw.get("image_alt") or "",
        )
        source = images.get(key)
        if isinstance(source, str):
            node.image.name = source  # already stored: the new version shares it
        elif isinstance(source, Path):
            with source.open("rb") as handle:
                node.image.save(source.name, File(handle), save=False)
        elif source is not None:
            source.seek(0)
            node.image.save(source.name, source, save=False)
        nodes[key] = node
    for node in Node.objects.bulk_create(nodes.values()):
        nodes[node.key] = node
    return nodes


def _write_choices(data: dict, nodes: dict[str, Node]) -> set[Competence]:
    by_code = {}
    certification = Certification.objects.current()
    if certification is not None:
        by_code = {c.code: c for c in Competence.objects.filter(certification=certification)}
    rows, links = [], []
    for key, raw in data["nodes"].items():
        for position, choice in enumerate(raw.get("choices") or [], start=1):
            rows.append(
                Choice(
                    node=nodes[key],
                    position=position,
                    label=choice["label"],
                    consequence=choice.get("consequence") or "",
                    target=nodes[choice["to"]],
                )
            )
            links.append([by_code[code] for code in choice.get("competences") or []])
    created = Choice.objects.bulk_create(rows)
    through = Choice.competences.through
    through.objects.bulk_create(
        [
            through(choice_id=choice.pk, competence_id=c.pk)
            for choice, cs in zip(created, links, strict=True)
            for c in cs
        ]
    )
    return {c for cs in links for c in cs}


# --- Export ------------------------------------------------------------------------------------------------------


def to_data(version: ScenarioVersion) -> dict:
    """The version as the file structure (from its rows, so what is exported is what members play)."""
    scenario = version.scenario
    nodes = list(version.nodes.order_by("pk").prefetch_related("choices__competences", "choices__target"))
    out_nodes: dict = {}
    for node in nodes:
        entry: dict = {}
        if node.speaker:
            entry["speaker"] = node.speaker
        if node.text:
            entry["text"] = node.text
        if node.image:
            entry["image"] = PurePath(node.image.name).name
        if node.image_alt:
            entry["image_alt"] = node.image_alt
        if node.is_ending:
            entry["ending"] = {"title": node.ending_title, "debrief": node.debrief}
        else:
            entry["choices"] = [
                {
                    "label": choice.label,
                    **({"consequence": choice.consequence} if choice.consequence else {}),
                    **(
                        {"competences": sorted(c.code for c in choice.competences.all())}
                        if choice.competences.all()
                        else {}
                    ),
                    "to": choice.target.key,
                }
                for choice in sorted(node.choices.all(), key=lambda c: c.position)
            ]
        out_nodes[node.key] = entry
    start = next(node.key for node in nodes if node.pk == version.start_id)
    return {
        "format": FORMAT,
        "slug": scenario.slug,
        "title": scenario.title,
        "summary": scenario.summary,
        "minutes": scenario.minutes,
        "situation": version.situation,
        "cast": version.cast,
        "start": start,
        "nodes": out_nodes,
    }


class _Literal(str):
    pass


def _literal(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def _multiline(value):
    if isinstance(value, dict):
        return {k: _multiline(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_multiline(v) for v in value]
    if isinstance(value, str) and "\n" in value:
        return _Literal(value)
    return value


def export_yaml(version: ScenarioVersion) -> str:
    return yaml.dump(_multiline(to_data(version)), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
