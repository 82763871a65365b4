"""Capsule files (YAML or JSON, format `compagnons.capsule/1`): read, checked with the whole list of errors in
French, imported in one transaction, exported back to YAML.

The same checker serves the staff's form (services.save_capsule): a capsule is always the dict of this format
before it is written, so a file, a form and an export agree. The import itself is a service
(services.import_capsule_file): a file whose content did not change writes nothing; a changed one gives the capsule
its next version.
"""

import json
import re

import yaml
from django.utils.translation import gettext as _

from compagnons.learning.models import CAPSULE_MAX_MINUTES, Capsule

FORMAT = "compagnons.capsule/1"
MIN_QUESTIONS, MAX_QUESTIONS = 3, 5
MIN_OPTIONS, MAX_OPTIONS = 2, 5
MAX_FILE_BYTES = 256 * 1024
KEYS = {
    "format", "slug", "title", "summary", "minutes", "competences", "body", "image", "image_alt", "audio",
    "transcript", "questions",
}  # fmt: skip
QUESTION_KEYS = {"text", "multiple", "options"}
OPTION_KEYS = {"text", "correct", "feedback"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CapsuleFileError(ValueError):
    """A file that cannot be imported, with every reason found (never only the first)."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def parse(text: str, *, filename: str = "") -> dict:
    """The file's structure (YAML, or JSON when the name ends in .json or the text starts with « { »)."""
    stripped = (text or "").lstrip("\ufeff").strip()
    if not stripped:
        raise CapsuleFileError([_("Le fichier est vide.")])
    try:
        if filename.lower().endswith(".json") or stripped.startswith("{"):
            data = json.loads(stripped)
        else:
            data = yaml.safe_load(stripped)
    except json.JSONDecodeError as error:
        raise CapsuleFileError(
            [_("Ce JSON est illisible (ligne %(line)s) : %(msg)s.") % {"line": error.lineno, "msg": error.msg}]
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise CapsuleFileError([_("Ce YAML est illisible (ligne %(line)s).") % {"line": line}]) from None
    if not isinstance(data, dict):
        raise CapsuleFileError([_("Le fichier doit décrire une capsule : des clés comme « title », « body »…")])
    return data


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def validate(data: dict, *, competence_codes: set[str]) -> tuple[dict, list[str]]:
    """The capsule's clean dict and the list of every problem found (empty when it can be imported).

    `competence_codes` are the codes of the référentiel in force.
    """
    errors: list[str] = []
    clean: dict = {}
    for key in sorted(set(data) - KEYS):
        errors.append(_("Clé inconnue : « %(key)s ».") % {"key": key})
    if data.get("format") != FORMAT:
        errors.append(_("La clé « format » doit valoir « %(format)s ».") % {"format": FORMAT})
    slug = _text(data.get("slug"))
    if not slug:
        errors.append(_("L'identifiant (« slug ») manque."))
    elif not SLUG.match(slug) or len(slug) > 80:
        errors.append(
            _(
                "L'identifiant « %(slug)s » ne doit contenir que des minuscules, des chiffres et des tirets (80 au plus)."  # noqa: E501
            )
            % {"slug": slug}
        )
    clean["slug"] = slug
    clean["title"] = _text(data.get("title"))
    if not clean["title"]:
        errors.append(_("Le titre (« title ») manque."))
    elif len(clean["title"]) > 160:
        errors.append(_("Le titre dépasse 160 caractères."))
    clean["summary"] = _text(data.get("summary"))
    if len(clean["summary"]) > 300:
        errors.append(_("Le résumé (« summary ») dépasse 300 caractères."))
    minutes = data.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= CAPSULE_MAX_MINUTES:
        errors.append(
            _(
                "La durée (« minutes ») doit être un nombre entier de 1 à %(max)s : une capsule se lit en %(max)s minutes au plus."  # noqa: E501
            )
            % {"max": CAPSULE_MAX_MINUTES}
        )
    clean["minutes"] = minutes
    codes = data.get("competences") or []
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        errors.append(_("Les compétences (« competences ») sont une liste de codes, par exemple [C1.1, C1.2]."))
        codes = []
    codes = [code.strip() for code in codes]
    for code in codes:
        if code not in competence_codes:
            errors.append(_("Compétence inconnue dans le référentiel en vigueur : « %(code)s ».") % {"code": code})
    clean["competences"] = sorted(set(codes))
    clean["body"] = data.get("body") if isinstance(data.get("body"), str) else ""
    if not clean["body"].strip():
        errors.append(_("Le texte de la capsule (« body ») manque."))
    for key in ("image", "image_alt", "audio", "transcript"):
        clean[key] = _text(data.get(key))
    if clean["audio"] and not clean["transcript"]:
        errors.append(_("Une capsule avec un audio doit en donner la transcription écrite (« transcript »)."))
    if clean["image"] and not clean["image_alt"]:
        errors.append(_("Une image doit être décrite (« image_alt ») pour qui ne la voit pas."))
    clean["questions"] = _questions(data.get("questions"), errors)
    return clean, errors


def _questions(questions, errors: list[str]) -> list[dict]:
    if not isinstance(questions, list):
        errors.append(_("Le quiz (« questions ») manque : de %(min)s à %(max)s questions.") % _bounds())
        return []
    if not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        errors.append(
            _("Le quiz compte %(n)s questions : il en faut de %(min)s à %(max)s.") % {"n": len(questions), **_bounds()}
        )
    clean = []
    for number, question in enumerate(questions, start=1):
        if not isinstance(question, dict):
            errors.append(_("Question %(n)s : elle doit avoir un texte et des réponses.") % {"n": number})
            continue
        for key in sorted(set(question) - QUESTION_KEYS):
            errors.append(_("Question %(n)s : clé inconnue « %(key)s ».") % {"n": number, "key": key})
        text = _text(question.get("text"))
        if not text:
            errors.append(_("Question %(n)s : le texte manque.") % {"n": number})
        elif len(text) > 500:
            errors.append(_("Question %(n)s : le texte dépasse 500 caractères.") % {"n": number})
        multiple = question.get("multiple", False)
        if not isinstance(multiple, bool):
            errors.append(_("Question %(n)s : « multiple » vaut true ou false.") % {"n": number})
            multiple = False
        options = _options(number, question.get("options"), errors)
        right = sum(1 for option in options if option["correct"])
        if options and not multiple and right != 1:
            errors.append(
                _("Question %(n)s : une question à choix unique a exactement une bonne réponse (ici %(right)s).")
                % {"n": number, "right": right}
            )
        if options and multiple and right < 1:
            errors.append(_("Question %(n)s : il faut au moins une bonne réponse.") % {"n": number})
        clean.append({"text": text, "multiple": multiple, "options": options})
    return clean


def _options(number: int, options, errors: list[str]) -> list[dict]:
    if not isinstance(options, list) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        errors.append(
            _("Question %(n)s : il faut de %(min)s à %(max)s réponses proposées (« options »).")
            % {"n": number, "min": MIN_OPTIONS, "max": MAX_OPTIONS}
        )
        if not isinstance(options, list):
            return []
    clean = []
    for letter, option in zip("ABCDEFGHIJ", options, strict=False):
        where = {"n": number, "letter": letter}
        if not isinstance(option, dict):
            errors.append(
                _("Question %(n)s, réponse %(letter)s : elle doit avoir un texte et une explication.") % where
            )
            continue
        for key in sorted(set(option) - OPTION_KEYS):
            errors.append(_("Question %(n)s, réponse %(letter)s : clé inconnue « %(key)s ».") % {**where, "key": key})
        text = _text(option.get("text"))
        if not text:
            errors.append(_("Question %(n)s, réponse %(letter)s : le texte manque.") % where)
        elif len(text) > 500:
            errors.append(_("Question %(n)s, réponse %(letter)s : le texte dépasse 500 caractères.") % where)
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            errors.append(_("Question %(n)s, réponse %(letter)s : « correct » vaut true ou false.") % where)
            correct = False
        feedback = _text(option.get("feedback"))
        if not feedback:
            errors.append(
                _(
                    "Question %(n)s, réponse %(letter)s : l'explication (« feedback ») manque — dites pourquoi cette réponse est juste ou non."  # noqa: E501
                )
                % where
            )
        clean.append({"text": text, "correct": correct, "feedback": feedback})
    return clean


def _bounds() -> dict:
    return {"min": MIN_QUESTIONS, "max": MAX_QUESTIONS}


def current_codes() -> set[str]:
    from compagnons.skills.models import Certification

    certification = Certification.objects.current()
    return set(certification.competences.values_list("code", flat=True)) if certification else set()


def read(text: str, *, filename: str = "") -> dict:
    """Parse and check: the clean dict, or CapsuleFileError with every problem."""
    clean, errors = validate(parse(text, filename=filename), competence_codes=current_codes())
    if errors:
        raise CapsuleFileError(errors)
    return clean


# --- Export ---------------------------------------------------------------------------------------


def to_data(capsule: Capsule) -> dict:
    """The capsule in the file format (images and sounds by their stored names; transcript and alt text in full)."""
    data = {
        "format": FORMAT,
        "slug": capsule.slug,
        "title": capsule.title,
        "summary": capsule.summary,
        "minutes": capsule.minutes,
        "competences": sorted(c.code for c in capsule.competences.all()),
        "body": capsule.body,
    }
    if capsule.image_alt:
        data["image_alt"] = capsule.image_alt
    if capsule.transcript:
        data["transcript"] = capsule.transcript
    data["questions"] = [
        {
            "text": question.text,
            "multiple": question.multiple,
            "options": [
                {"text": option.text, "correct": option.correct, "feedback": option.feedback}
                for option in question.options.all()
            ],
        }
        for question in capsule.questions.all()
    ]
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def export_yaml(capsule: Capsule) -> str:
    return yaml.dump(to_data(capsule), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)


def questions_yaml(questions: list[dict]) -> str:
    return yaml.dump(questions, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
