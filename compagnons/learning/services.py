"""Learning: writes (every change with side effects, audited)."""

# --- Capsules --------------------------------------------------------------------------------------------


# --- Scenarios -------------------------------------------------------------------------------------------

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.core import audit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.permissions import is_team
from compagnons.learning import notifications, play, scenario_files
from compagnons.learning import permissions as learning_permissions
from compagnons.learning.models import Debrief, Run, Scenario, Status, Step
from compagnons.ledger import services as ledger

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
    run = Run.objects.select_for_update(of=("self",)).select_related("version__scenario", "current").get(pk=run.pk)
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
def import_scenario(text: str, *, by) -> tuple[Scenario, bool]:
    """Staff import or edit a scenario file (the same validator); True when a new version was made."""
    _require_team(by)
    existing = Scenario.objects.filter(slug=_slug_of(text)).values_list("current_id", flat=True).first()
    scenario = scenario_files.import_file(text, by=by)
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
