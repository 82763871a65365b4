"""Learning: writes (every change with side effects, audited)."""

import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.learning import notifications, play, scenario_files
from compagnons.learning import permissions as learning_permissions
from compagnons.learning.models import (
    Attempt,
    Capsule,
    Debrief,
    Option,
    Progress,
    Question,
    Run,
    Scenario,
    Status,
    Step,
)
from compagnons.ledger import services as ledger

# --- Capsules --------------------------------------------------------------------------------------------


def _require_author(by) -> None:
    """Staff write capsules; `by=None` is the platform itself (the shipped content's loader)."""
    if by is not None and not is_team(by):
        raise PermissionRefused(_("Seule l'équipe écrit et publie les capsules."))


def _comparable(data: dict) -> dict:
    keys = ("title", "summary", "minutes", "body", "image_alt", "transcript")
    out = {key: data.get(key) or "" for key in keys}
    out["competences"] = sorted(data.get("competences") or [])
    out["questions"] = [
        {
            "text": q["text"],
            "multiple": bool(q["multiple"]),
            "options": [
                {"text": o["text"], "correct": bool(o["correct"]), "feedback": o["feedback"]} for o in q["options"]
            ],
        }
        for q in data.get("questions") or []
    ]
    return out


def _same_file(field, new) -> bool:
    if not field or not isinstance(new, Path):
        return False
    try:
        with field.open("rb") as stored:
            return stored.read() == new.read_bytes()
    except OSError:
        return False


@transaction.atomic
def save_capsule(
    data: dict,
    *,
    by,
    capsule: Capsule | None = None,
    files: dict | None = None,
    publish: bool = False,
    source: str = "form",
) -> tuple[Capsule, bool]:
    """Write a capsule from its checked dict (capsule_files.validate): (capsule, changed).

    An unchanged capsule writes nothing. A change to an existing capsule gives it its next version (members who
    read the old one keep their progress; the page says the capsule changed). `files` maps « image »/« audio » to a
    path (shipped content) or an uploaded file (the staff's form).
    """
    from compagnons.learning import capsule_files
    from compagnons.skills.models import Certification

    _require_author(by)
    files = {key: value for key, value in (files or {}).items() if value}
    if capsule is not None:
        capsule = Capsule.objects.select_for_update(of=("self",)).get(pk=capsule.pk)
        if capsule.slug != data["slug"] and Capsule.objects.filter(slug=data["slug"]).exclude(pk=capsule.pk).exists():
            raise InvalidTransition(
                _("Une autre capsule porte déjà l'identifiant « %(slug)s ».") % {"slug": data["slug"]}
            )
        same = _comparable(capsule_files.to_data(capsule)) == _comparable(data) and capsule.slug == data["slug"]
        same = same and all(_same_file(getattr(capsule, key), value) for key, value in files.items())
        if same and not (publish and capsule.status != Status.PUBLISHED):
            return capsule, False
        if not same:
            capsule.version += 1
    else:
        if Capsule.objects.filter(slug=data["slug"]).exists():
            raise InvalidTransition(_("Une capsule porte déjà l'identifiant « %(slug)s ».") % {"slug": data["slug"]})
        capsule = Capsule(slug=data["slug"], created_at=timezone.now())
    has_audio = bool(files.get("audio") or capsule.audio)
    has_image = bool(files.get("image") or capsule.image)
    if has_audio and not (data.get("transcript") or "").strip():
        raise InvalidTransition(_("Une capsule avec un audio doit en donner la transcription écrite."))
    if has_image and not (data.get("image_alt") or "").strip():
        raise InvalidTransition(_("Une image doit être décrite pour qui ne la voit pas."))
    for key in ("slug", "title", "summary", "minutes", "body", "image_alt", "transcript"):
        setattr(capsule, key, data.get(key) or "")
    for key, value in files.items():
        field = getattr(capsule, key)
        if isinstance(value, Path):
            with value.open("rb") as handle:
                field.save(value.name, File(handle), save=False)
        else:
            field.save(value.name, value, save=False)
    if publish and capsule.status != Status.PUBLISHED:
        capsule.status = Status.PUBLISHED
        capsule.published_at = capsule.published_at or timezone.now()
    capsule.updated_at = timezone.now()
    capsule.updated_by = by
    capsule.save()
    certification = Certification.objects.current()
    competences = (
        list(certification.competences.filter(code__in=data.get("competences") or [])) if certification else []
    )
    capsule.competences.set(competences)
    capsule.questions.all().delete()
    for position, q in enumerate(data.get("questions") or [], start=1):
        question = Question.objects.create(capsule=capsule, position=position, text=q["text"], multiple=q["multiple"])
        Option.objects.bulk_create(
            Option(question=question, position=n, text=o["text"], correct=o["correct"], feedback=o["feedback"])
            for n, o in enumerate(q["options"], start=1)
        )
    audit.log(by, f"capsule.{source}", capsule, version=capsule.version)
    return capsule, True


@transaction.atomic
def import_capsule_file(
    text: str, *, by, filename: str = "", files_dir: Path | None = None, publish: bool = False
) -> tuple[Capsule, bool]:
    """Import one capsule file in one transaction: (capsule, changed). Nothing is written when the file has an error
    or did not change. `files_dir` is where `image` and `audio` are looked up (shipped content); without it (a file
    sent through the page), images and sounds are added in the capsule's form."""
    from compagnons.learning import capsule_files

    _require_author(by)
    data = capsule_files.read(text, filename=filename)
    files = {}
    missing = []
    for key in ("image", "audio"):
        if not data[key]:
            continue
        path = (files_dir / data[key]) if files_dir else None
        if path is None or not path.is_file() or not path.resolve().is_relative_to(files_dir.resolve()):
            missing.append(
                _("Le fichier « %(name)s » (« %(key)s ») est introuvable.") % {"name": data[key], "key": key}
            )
        else:
            files[key] = path
    if missing:
        raise capsule_files.CapsuleFileError(missing)
    capsule = Capsule.objects.filter(slug=data["slug"]).first()
    return save_capsule(data, by=by, capsule=capsule, files=files, publish=publish, source="import")


@transaction.atomic
def publish_capsule(capsule: Capsule, *, by) -> Capsule:
    _require_author(by)
    capsule = Capsule.objects.select_for_update(of=("self",)).get(pk=capsule.pk)
    if capsule.status == Status.PUBLISHED:
        raise InvalidTransition(_("Cette capsule est déjà publiée."))
    if capsule.questions.count() < 3:
        raise InvalidTransition(_("Une capsule se publie avec son quiz de 3 à 5 questions."))
    capsule.status = Status.PUBLISHED
    capsule.published_at = capsule.published_at or timezone.now()
    capsule.save(update_fields=["status", "published_at"])
    audit.log(by, "capsule.published", capsule, version=capsule.version)
    return capsule


@transaction.atomic
def archive_capsule(capsule: Capsule, *, by) -> Capsule:
    _require_author(by)
    capsule = Capsule.objects.select_for_update(of=("self",)).get(pk=capsule.pk)
    if capsule.status == Status.ARCHIVED:
        raise InvalidTransition(_("Cette capsule est déjà retirée."))
    capsule.status = Status.ARCHIVED
    capsule.save(update_fields=["status"])
    audit.log(by, "capsule.archived", capsule, version=capsule.version)
    return capsule


def _require_learner(capsule: Capsule, by) -> None:
    if not by.is_authenticated or not by.is_active:
        raise PermissionRefused(_("Connectez-vous pour suivre une capsule."))
    if capsule.status != Status.PUBLISHED:
        raise InvalidTransition(_("Cette capsule n'est pas publiée."))


def _progress_locked(capsule: Capsule, member) -> Progress:
    progress, _created = Progress.objects.get_or_create(member=member, capsule=capsule)
    return Progress.objects.select_for_update(of=("self",)).get(pk=progress.pk)


def _finish_if_done(progress: Progress, now) -> None:
    if progress.finished_at is None and progress.read_at and progress.passed_at:
        progress.finished_at = now


@transaction.atomic
def mark_read(capsule: Capsule, *, by) -> Progress:
    """« J'ai lu » : idempotent; reading a newer version again records that version."""
    _require_learner(capsule, by)
    progress = _progress_locked(capsule, by)
    now = timezone.now()
    progress.read_at = progress.read_at or now
    progress.read_version = capsule.version
    _finish_if_done(progress, now)
    progress.save(update_fields=["read_at", "read_version", "finished_at"])
    return progress


def pass_percent() -> int:
    return int(getattr(settings, "LEARNING_QUIZ_PASS_PERCENT", 80))


@transaction.atomic
def submit_quiz(capsule: Capsule, *, by, token, answers: dict[int, list[int]], version: int | None = None) -> Attempt:
    """Score one try at the quiz. `token` comes with the form: the same form sent twice is the same attempt.
    `version`, when the form carries it, is the capsule's version the quiz was shown for: a capsule changed since
    (its questions rewritten) gets a French message and nothing recorded.

    `answers` maps a question's id to the ids of the options chosen. An answer for a question of another quiz, an
    option that is not one of the question's, a question left without answer or two answers to a single-choice
    question: a French message, nothing recorded. A question is right when exactly its right options are chosen.
    """
    _require_learner(capsule, by)
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        raise InvalidTransition(_("Ce formulaire n'est plus valable : rechargez la page du quiz.")) from None
    existing = Attempt.objects.filter(token=token).select_related("progress").first()
    if existing is not None:
        if existing.progress.member_id != by.pk or existing.progress.capsule_id != capsule.pk:
            raise InvalidTransition(_("Ce formulaire n'est plus valable : rechargez la page du quiz."))
        return existing
    if version is not None and version != Capsule.objects.values_list("version", flat=True).get(pk=capsule.pk):
        raise InvalidTransition(
            _(
                "Cette capsule a changé depuis que vous avez ouvert le quiz : rien n'est enregistré. "
                "Voici ses questions à jour ; répondez à nouveau."
            )
        )
    questions = list(capsule.questions.prefetch_related("options"))
    by_id = {q.pk: q for q in questions}
    for question_id in answers:
        if question_id not in by_id:
            raise InvalidTransition(
                _("Une réponse ne correspond à aucune question de ce quiz : rien n'est enregistré.")
            )
    chosen = {}
    for question in questions:
        picked = set(answers.get(question.pk) or [])
        valid = {o.pk for o in question.options.all()}
        if picked - valid:
            raise InvalidTransition(
                _("Une réponse choisie n'appartient pas à la question « %(q)s » : rien n'est enregistré.")
                % {"q": question.text}
            )
        if not picked:
            raise InvalidTransition(_("Répondez à chaque question, puis envoyez vos réponses."))
        if not question.multiple and len(picked) > 1:
            raise InvalidTransition(_("La question « %(q)s » n'attend qu'une réponse.") % {"q": question.text})
        chosen[question] = picked
    right = sum(1 for q, picked in chosen.items() if picked == {o.pk for o in q.options.all() if o.correct})
    score = round(100 * right / len(questions)) if questions else 0
    passed = score >= pass_percent()
    progress = _progress_locked(capsule, by)
    now = timezone.now()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                progress=progress,
                token=token,
                capsule_version=capsule.version,
                answers={str(q.pk): sorted(picked) for q, picked in chosen.items()},
                score=score,
                passed=passed,
                submitted_at=now,
            )
    except IntegrityError:
        return Attempt.objects.get(token=token, progress=progress)
    progress.attempts += 1
    progress.best_score = max(progress.best_score or 0, score)
    if passed and progress.passed_at is None:
        progress.passed_at = now
    _finish_if_done(progress, now)
    progress.save(update_fields=["attempts", "best_score", "passed_at", "finished_at"])
    return attempt


# --- Scenarios -------------------------------------------------------------------------------------------


# The longest reading time a step records: a tab left open overnight is not thinking time.
STEP_MAX_SECONDS = int(timedelta(hours=2).total_seconds())


class StaleRun(InvalidTransition):
    """The scenario changed version while the run was unfinished: it cannot go on, the member may restart."""


def start_run(scenario: Scenario, *, by) -> Run:
    """A new run on the scenario's current version, at its start."""
    if not getattr(by, "is_authenticated", False) or not by.is_active:
        raise PermissionRefused(_("Connectez-vous pour jouer une mise en situation."))
    scenario = Scenario.objects.select_related("current").get(pk=scenario.pk)  # its version of now
    if scenario.status != Status.PUBLISHED or scenario.current_id is None:
        raise InvalidTransition(_("Cette mise en situation n'est pas ouverte."))
    version = scenario.current
    now = timezone.now()
    return Run.objects.create(member=by, version=version, current_id=version.start_id, started_at=now, arrived_at=now)


@transaction.atomic
def choose(run: Run, *, by, step: int, node_key: str, choice_id: int) -> Run:
    """Record one choice. The form carries the step number it was shown for and the node's key: a replayed POST,
    a stale step or a choice of another node is refused with a French message and leaves the run as it was."""
    # Lock the run alone, then read it with its relations: locking through a join, PostgreSQL re-checks the join
    # against the row a concurrent choice just moved (another current node) and would find no run at all.
    Run.objects.select_for_update().filter(pk=run.pk).values_list("pk", flat=True).get()
    run = Run.objects.select_related("version__scenario", "current").get(pk=run.pk)
    if run.member_id != by.pk:
        raise PermissionRefused(_("Cette partie n'est pas la vôtre."))
    if run.finished_at is not None:
        raise InvalidTransition(_("Cette partie est déjà terminée : ce choix n'a pas été enregistré."))
    if play.is_stale(run, run.version.scenario):
        raise StaleRun(
            _(
                "Cette mise en situation a été modifiée depuis que vous avez commencé cette partie. "
                "Recommencez-la pour jouer la nouvelle version."
            )
        )
    if step != run.steps_count + 1 or node_key != run.current.key:
        raise InvalidTransition(
            _("Ce choix avait déjà été enregistré (formulaire envoyé deux fois ?). Voici où vous en êtes.")
            if step <= run.steps_count
            else _("Cette étape n'est pas celle où vous en êtes. Voici où vous en êtes.")
        )
    choice = run.current.choices.select_related("target").filter(pk=choice_id).first()
    if choice is None:
        raise InvalidTransition(
            _("Ce choix ne fait pas partie de cette étape : choisissez l'une des réponses proposées.")
        )
    now = timezone.now()
    seconds = max(0, min(int((now - run.arrived_at).total_seconds()), STEP_MAX_SECONDS))
    try:
        with transaction.atomic():
            Step.objects.create(run=run, number=step, node=run.current, choice=choice, seconds=seconds, chosen_at=now)
    except IntegrityError:
        raise InvalidTransition(
            _("Ce choix avait déjà été enregistré (formulaire envoyé deux fois ?). Voici où vous en êtes.")
        ) from None
    run.current = choice.target
    run.steps_count = step
    run.arrived_at = now
    fields = ["current", "steps_count", "arrived_at"]
    if choice.target.is_ending:
        run.ending = choice.target
        run.finished_at = now
        fields += ["ending", "finished_at"]
    run.save(update_fields=fields)
    return run


@transaction.atomic
def set_shared(run: Run, shared: bool, *, by) -> Run:
    """The member shares a run with their mentor (the default) or keeps it to themselves."""
    run = Run.objects.select_for_update(of=("self",)).get(pk=run.pk)
    if run.member_id != by.pk:
        raise PermissionRefused(_("Seule la personne qui a joué peut partager sa partie."))
    if run.shared != shared:
        run.shared = shared
        run.save(update_fields=["shared"])
        audit.log(by, "learning.run_shared" if shared else "learning.run_unshared", run)
    return run


@transaction.atomic
def write_debrief(run: Run, text: str, *, by) -> Debrief:
    """The mentor's debrief of a finished, shared run: written once (credited once in the ledger, the member told),
    then editable."""
    run = Run.objects.select_for_update(of=("self",)).select_related("member").get(pk=run.pk)
    if not learning_permissions.can_debrief_run(by, run):
        raise PermissionRefused(
            _("Seul le mentor de la personne peut débriefer une partie terminée qu'elle a partagée.")
        )
    text = (text or "").strip()
    if not text:
        raise ValueError(_("Écrivez votre débriefing avant de l'envoyer."))
    now = timezone.now()
    debrief = Debrief.objects.filter(run=run).first()
    if debrief is None:
        debrief = Debrief.objects.create(run=run, mentor=by, text=text, written_at=now, updated_at=now)
        ledger.credit_debrief(run, mentor=by, member=run.member, minutes=settings.LEARNING_DEBRIEF_MINUTES)
        audit.log(by, "learning.debrief_written", run)
        transaction.on_commit(lambda: notifications.debrief_written.enqueue(debrief.pk))
    else:
        debrief.text = text
        debrief.updated_at = now
        debrief.save(update_fields=["text", "updated_at"])
        audit.log(by, "learning.debrief_edited", run)
    return debrief


def _require_team(by) -> None:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe peut modifier les mises en situation."))


@transaction.atomic
def import_scenario(text: str, *, by, images: dict | None = None) -> tuple[Scenario, bool]:
    """Staff import or edit a scenario file (the same validator), with the node images it names ({file name: upload});
    True when a new version was made. A bad file raises scenario_files.InvalidScenarioFile with every error."""
    _require_team(by)
    existing = Scenario.objects.filter(slug=_slug_of(text)).values_list("current_id", flat=True).first()
    scenario = scenario_files.import_file(text, by=by, images=images)
    changed = scenario.current_id != existing
    if changed:
        audit.log(by, "learning.scenario_imported", scenario, version=scenario.current.number)
    return scenario, changed


def _slug_of(text: str) -> str:
    try:
        return str(scenario_files.parse(text).get("slug") or "")
    except scenario_files.InvalidScenarioFile:
        return ""


@transaction.atomic
def archive_scenario(scenario: Scenario, *, by) -> Scenario:
    _require_team(by)
    if scenario.status != Status.ARCHIVED:
        scenario.status = Status.ARCHIVED
        scenario.save(update_fields=["status"])
        audit.log(by, "learning.scenario_archived", scenario)
    return scenario


@transaction.atomic
def publish_scenario(scenario: Scenario, *, by) -> Scenario:
    _require_team(by)
    if scenario.current_id is None:
        raise InvalidTransition(_("Importez d'abord un fichier pour cette mise en situation."))
    if scenario.status != Status.PUBLISHED:
        scenario.status = Status.PUBLISHED
        scenario.save(update_fields=["status"])
        audit.log(by, "learning.scenario_published", scenario)
    return scenario
