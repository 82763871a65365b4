"""Learning pages: one view per action."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from compagnons.core import fragments
from compagnons.core.exceptions import Refused
from compagnons.core.permissions import is_team, require_team
from compagnons.core.refusals import refused
from compagnons.learning import aggregates, capsule_files, capsules, permissions, scenario_files, services
from compagnons.learning import play as plays
from compagnons.learning.forms import CapsuleForm, CapsuleImportForm, ChooseForm, DebriefForm, ScenarioFileForm
from compagnons.learning.models import Capsule, Debrief, Progress, Scenario, ScenarioVersion, Status

# --- Capsules --------------------------------------------------------------------------------------------


@login_required
@fragments.member_page("learning.home")
@require_safe
def home(request):
    """The learning home: recommended capsules first, with their reasons; where one stopped; every capsule."""
    context = capsules.home(request.user)
    context["can_author"] = permissions.can_author_capsules(request.user)
    return render(request, "learning/home.html", context)


@login_required
@fragments.member_page("learning.capsule")
@require_safe
def capsule(request, slug: str):
    item = permissions.get_capsule_for_viewer(request.user, slug)
    progress = Progress.objects.filter(member=request.user, capsule=item).first()
    competences = list(item.competences.all())
    return render(
        request,
        "learning/capsules/capsule.html",
        {"capsule": item, "progress": progress, "competences": competences, "preview": False},
    )


@login_required
@require_POST
def capsule_read(request, slug: str):
    item = permissions.get_capsule_for_viewer(request.user, slug)
    try:
        services.mark_read(item, by=request.user)
    except Refused as error:
        return refused(request, error, item)
    messages.success(request, _("C'est noté. À vous de jouer : le quiz vérifie ce que vous en retenez."))
    return redirect("learning:quiz", slug=item.slug)


def _answers_from(post) -> dict[int, list[int]]:
    answers: dict[int, list[int]] = {}
    for key in post:
        if key.startswith("q") and key[1:].isdigit():
            values = post.getlist(key)
            if not all(v.isdigit() for v in values):
                raise ValueError(key)
            answers[int(key[1:])] = [int(v) for v in values]
    return answers


def _quiz_rows(item, selected: dict[int, list[int]]) -> list[dict]:
    return [
        {"question": q, "options": [(o, o.pk in selected.get(q.pk, [])) for o in q.options.all()]} for q in item.quiz
    ]


@login_required
@fragments.member_page("learning.quiz")
@require_http_methods(["GET", "POST"])
def quiz(request, slug: str):
    """The quiz as a plain form; its token makes a form sent twice a single attempt."""
    item = capsules.capsule_with_quiz(permissions.get_capsule_for_viewer(request.user, slug))
    selected: dict[int, list[int]] = {}
    error = ""
    token = str(uuid.uuid4())
    if request.method == "POST":
        token = request.POST.get("token", "")
        try:
            selected = _answers_from(request.POST)
            shown = request.POST.get("version", "")
            if shown and not shown.isdigit():
                raise ValueError(shown)
            attempt = services.submit_quiz(
                item, by=request.user, token=token, answers=selected, version=int(shown) if shown else None
            )
        except Refused as refusal:
            error = str(refusal)
        except ValueError:
            error = _(
                "Une réponse envoyée n'est pas valable : rien n'est enregistré. Choisissez parmi les réponses proposées."  # noqa: E501
            )
        else:
            return redirect("learning:attempt", slug=item.slug, token=attempt.token)
        token = str(uuid.uuid4())  # nothing was recorded: a fresh form
    progress = Progress.objects.filter(member=request.user, capsule=item).first()
    response = render(
        request,
        "learning/capsules/quiz.html",
        {"capsule": item, "rows": _quiz_rows(item, selected), "token": token, "error": error, "progress": progress},
        status=400 if error else 200,
    )
    return response


@login_required
@require_safe
def attempt(request, slug: str, token):
    """The feedback of one attempt: for each answer, why it is right or not."""
    item = capsules.capsule_with_quiz(permissions.get_capsule_for_viewer(request.user, slug))
    tried = permissions.get_attempt_for_member(request.user, item, token)
    chosen = {int(k): v for k, v in tried.answers.items()}
    return render(
        request,
        "learning/capsules/attempt.html",
        {
            "capsule": item,
            "attempt": tried,
            "progress": tried.progress,
            "rows": _quiz_rows(item, chosen),
            "stale": tried.capsule_version != item.version,
            "pass_percent": services.pass_percent(),
        },
    )


# Staff: authoring, preview, publication, import and export.


@login_required
@require_safe
def staff_capsules(request):
    permissions.require_capsule_author(request.user)
    return render(request, "learning/capsules/staff_list.html", {"capsules": capsules.staff_list()})


def _save_form(request, item=None):
    form = CapsuleForm(
        request.POST or None, request.FILES or None, initial=CapsuleForm.initial_for(item) if item else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved, changed = services.save_capsule(
                form.capsule_data,
                by=request.user,
                capsule=item,
                files={"image": form.cleaned_data.get("image"), "audio": form.cleaned_data.get("audio")},
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            if changed:
                messages.success(
                    request,
                    _("Capsule enregistrée (version %(v)s). Relisez l'aperçu avant de la publier.")
                    % {"v": saved.version},
                )
            else:
                messages.info(request, _("Rien n'a changé : la capsule reste telle quelle."))
            return redirect("learning:staff_preview", pk=saved.pk)
    example = capsule_files.questions_yaml(EXAMPLE_QUIZ)
    return render(
        request,
        "learning/capsules/staff_form.html",
        {"form": form, "capsule": item, "example": example},
        status=400 if form.errors else 200,
    )


EXAMPLE_QUIZ = [
    {
        "text": "La question ?",
        "multiple": False,
        "options": [
            {"text": "Une bonne réponse", "correct": True, "feedback": "Pourquoi elle est juste."},
            {"text": "Une autre réponse", "correct": False, "feedback": "Pourquoi elle ne l'est pas."},
        ],
    }
]


@login_required
@require_http_methods(["GET", "POST"])
def staff_new(request):
    permissions.require_capsule_author(request.user)
    return _save_form(request)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk: int):
    return _save_form(request, permissions.get_capsule_for_author(request.user, pk))


@login_required
@require_safe
def staff_preview(request, pk: int):
    """The capsule as members will see it, then its quiz with the right answers and every explanation."""
    item = capsules.capsule_with_quiz(permissions.get_capsule_for_author(request.user, pk))
    return render(
        request,
        "learning/capsules/preview.html",
        {"capsule": item, "competences": list(item.competences.all()), "preview": True},
    )


@login_required
@require_POST
def staff_publish(request, pk: int):
    item = permissions.get_capsule_for_author(request.user, pk)
    try:
        services.publish_capsule(item, by=request.user)
    except Refused as error:
        return refused(request, error, "learning:staff_preview", pk=item.pk)
    messages.success(request, _("Capsule publiée : les membres la voient."))
    return redirect("learning:staff_preview", pk=item.pk)


@login_required
@require_POST
def staff_archive(request, pk: int):
    item = permissions.get_capsule_for_author(request.user, pk)
    try:
        services.archive_capsule(item, by=request.user)
    except Refused as error:
        return refused(request, error, "learning:staff_preview", pk=item.pk)
    messages.success(request, _("Capsule retirée : les membres ne la voient plus."))
    return redirect("learning:staff_capsules")


@login_required
@require_http_methods(["GET", "POST"])
def staff_import(request):
    permissions.require_capsule_author(request.user)
    form = CapsuleImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            item, changed = services.import_capsule_file(
                form.text, by=request.user, filename=form.cleaned_data["file"].name
            )
        except capsule_files.CapsuleFileError as error:
            errors = error.errors
        except Refused as error:
            errors = [str(error)]
        else:
            if changed:
                messages.success(request, _("Capsule importée (version %(v)s).") % {"v": item.version})
            else:
                messages.info(request, _("Ce fichier est identique à la capsule en place : rien n'a changé."))
            return redirect("learning:staff_preview", pk=item.pk)
    return render(
        request,
        "learning/capsules/staff_import.html",
        {"form": form, "errors": errors},
        status=400 if (errors or form.errors) else 200,
    )


@login_required
@require_safe
def staff_export(request, pk: int):
    item = permissions.get_capsule_for_author(request.user, pk)
    item = Capsule.objects.prefetch_related("competences", "questions__options").get(pk=item.pk)
    response = HttpResponse(capsule_files.export_yaml(item), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{item.slug}.yaml"'
    return response


# --- Scenarios -------------------------------------------------------------------------------------------


def _published_scenario(slug: str) -> Scenario:
    return get_object_or_404(Scenario.objects.published().select_related("current"), slug=slug)


@login_required
@require_safe
def scenarios(request: HttpRequest) -> HttpResponse:
    """The scenarios open to play, and the member's latest runs."""
    return render(
        request,
        "learning/scenarios/list.html",
        {
            "scenarios": Scenario.objects.published().order_by("title"),
            "runs": plays.runs_for_member(request.user).order_by("-started_at")[:5],
            "is_team": is_team(request.user),
        },
    )


@login_required
@require_safe
def scenario(request: HttpRequest, slug: str) -> HttpResponse:
    """The situation, the cast, start or replay, and my runs of it."""
    item = _published_scenario(slug)
    runs = list(plays.runs_for_member(request.user).filter(version__scenario=item).order_by("-started_at")[:20])
    finished = [run for run in runs if run.finished_at]
    return render(
        request,
        "learning/scenarios/detail.html",
        {
            "scenario": item,
            "version": item.current,
            "cast": item.current.cast,
            "runs": runs,
            "comparable": finished[:2] if len(finished) >= 2 else [],
        },
    )


@login_required
@require_POST
def scenario_start(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Scenario, slug=slug)
    try:
        run = services.start_run(item, by=request.user)
    except Refused as error:
        return refused(request, error, "learning:scenarios")
    return redirect(run)


@login_required
@fragments.member_page("learning.run")
@require_safe
def run(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's run: the current step while it goes on, then the review (path, ending, debrief). Their mentor
    reads the same review with the debrief form."""
    item = permissions.get_run_for_reader(request.user, pk)
    mine = item.member_id == request.user.pk
    if mine and item.finished_at is None:
        return render(request, "learning/scenarios/play.html", {"run": item, "step": plays.current_step(item)})
    if item.finished_at is None:
        raise Http404
    debrief = Debrief.objects.filter(run=item).select_related("mentor").first()
    mentor_view = not mine
    return render(
        request,
        "learning/scenarios/review.html",
        {
            "run": item,
            "scenario": item.version.scenario,
            "path": plays.path_of(item),
            "debrief": debrief,
            "mine": mine,
            "form": DebriefForm(initial={"text": debrief.text if debrief else ""}) if mentor_view else None,
            "others": (
                plays.runs_for_member(request.user)
                .filter(version__scenario_id=item.version.scenario_id, finished_at__isnull=False)
                .exclude(pk=item.pk)
                .order_by("-started_at")[:5]
                if mine
                else []
            ),
        },
    )


@login_required
@require_POST
def run_choose(request: HttpRequest, pk: int) -> HttpResponse:
    item = permissions.get_run_for_member(request.user, pk)
    form = ChooseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez l'une des réponses proposées."))
        return redirect(item)
    try:
        services.choose(
            item,
            by=request.user,
            step=form.cleaned_data["step"],
            node_key=form.cleaned_data["node"],
            choice_id=form.cleaned_data["choice"],
        )
    except Refused as error:
        return refused(request, error, item)
    item.refresh_from_db(fields=["finished_at"])
    if item.finished_at is not None and getattr(request, "htmx", False):
        # The ending is another page (the review): htmx loads it whole instead of swapping a step that is not there.
        return HttpResponseClientRedirect(item.get_absolute_url())
    return redirect(item)


@login_required
@require_POST
def run_share(request: HttpRequest, pk: int) -> HttpResponse:
    item = permissions.get_run_for_member(request.user, pk)
    shared = request.POST.get("shared") == "1"
    try:
        services.set_shared(item, shared, by=request.user)
    except Refused as error:
        return refused(request, error, item)
    messages.success(
        request,
        _("Votre partie est partagée avec votre mentor.") if shared else _("Votre partie n'est plus partagée."),
    )
    return redirect(item)


@login_required
@require_POST
def run_debrief(request: HttpRequest, pk: int) -> HttpResponse:
    item = permissions.get_run_for_mentor(request.user, pk)
    form = DebriefForm(request.POST)
    if form.is_valid():
        try:
            services.write_debrief(item, form.cleaned_data["text"], by=request.user)
        except Refused as error:
            return refused(request, error, item)
        except ValueError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, _("Débriefing enregistré : la personne le retrouve avec sa partie."))
            return redirect(item)
    return render(
        request,
        "learning/scenarios/review.html",
        {
            "run": item,
            "scenario": item.version.scenario,
            "path": plays.path_of(item),
            "debrief": Debrief.objects.filter(run=item).first(),
            "mine": False,
            "form": form,
            "others": [],
        },
        status=200,
    )


@login_required
@require_safe
def runs_compare(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    first = permissions.get_run_for_member(request.user, pk)
    second = permissions.get_run_for_member(request.user, other)
    if first.version.scenario_id != second.version.scenario_id:
        raise Http404
    left, right, rows = plays.side_by_side(first, second)
    return render(
        request,
        "learning/scenarios/compare.html",
        {"scenario": first.version.scenario, "left": left, "right": right, "rows": rows},
    )


@login_required
@require_safe
def runs_to_debrief(request: HttpRequest) -> HttpResponse:
    """The mentor's list: finished runs their apprentices shared, without a debrief yet."""
    return render(
        request,
        "learning/scenarios/to_debrief.html",
        {"runs": plays.awaiting_debrief(request.user)[:50]},
    )


# --- Scenarios: staff ---


@login_required
@require_safe
def scenario_staff(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    return render(
        request,
        "learning/scenarios/staff.html",
        {
            "scenarios": Scenario.objects.select_related("current").order_by("title"),
            "form": ScenarioFileForm(),
        },
    )


@login_required
@require_POST
def scenario_import(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = ScenarioFileForm(request.POST, request.FILES)
    if form.is_valid():
        imported = _imported(request, form)
        if imported is not None:
            return imported
    return render(
        request,
        "learning/scenarios/staff.html",
        {"scenarios": Scenario.objects.select_related("current").order_by("title"), "form": form},
    )


def _imported(request: HttpRequest, form: ScenarioFileForm) -> HttpResponse | None:
    """Import the form's file; None when the import found more errors (added to the form, shown again)."""
    try:
        item, changed = services.import_scenario(
            form.cleaned_data["source"], by=request.user, images=form.cleaned_data["images"]
        )
    except Refused as error:
        return refused(request, error, "learning:scenario_staff")
    except scenario_files.InvalidScenarioFile as error:
        for message in error.errors:
            form.add_error(None, message)
        return None
    if changed:
        messages.success(
            request,
            _("« %(title)s » : version %(n)s enregistrée.") % {"title": item.title, "n": item.current.number},
        )
    else:
        messages.info(request, _("« %(title)s » : rien n'a changé, aucune version créée.") % {"title": item.title})
    return redirect("learning:scenario_staff")


@login_required
@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, slug: str) -> HttpResponse:
    require_team(request.user)
    item = get_object_or_404(Scenario.objects.select_related("current"), slug=slug)
    if request.method == "POST":
        form = ScenarioFileForm(request.POST, request.FILES, slug=item.slug)
        if form.is_valid():
            imported = _imported(request, form)
            if imported is not None:
                return imported
    else:
        text = scenario_files.export_yaml(item.current) if item.current_id else ""
        form = ScenarioFileForm(initial={"text": text}, slug=item.slug)
    return render(request, "learning/scenarios/staff_edit.html", {"scenario": item, "form": form})


@login_required
@require_safe
def scenario_export(request: HttpRequest, slug: str) -> HttpResponse:
    require_team(request.user)
    item = get_object_or_404(Scenario.objects.select_related("current"), slug=slug)
    if item.current_id is None:
        raise Http404
    response = HttpResponse(scenario_files.export_yaml(item.current), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{item.slug}-v{item.current.number}.yaml"'
    return response


@login_required
@require_POST
def scenario_archive(request: HttpRequest, slug: str) -> HttpResponse:
    require_team(request.user)
    item = get_object_or_404(Scenario, slug=slug)
    try:
        if item.status == Status.ARCHIVED:
            services.publish_scenario(item, by=request.user)
            messages.success(request, _("« %(title)s » est de nouveau ouverte.") % {"title": item.title})
        else:
            services.archive_scenario(item, by=request.user)
            messages.success(request, _("« %(title)s » est retirée de la liste.") % {"title": item.title})
    except Refused as error:
        return refused(request, error, "learning:scenario_staff")
    return redirect("learning:scenario_staff")


@login_required
@fragments.member_page("learning.scenario_figures")
@require_safe
def scenario_figures(request: HttpRequest, slug: str) -> HttpResponse:
    require_team(request.user)
    item = get_object_or_404(Scenario.objects.select_related("current"), slug=slug)
    versions = list(ScenarioVersion.objects.filter(scenario=item).order_by("-number").only("pk", "number"))
    wanted = request.GET.get("version")
    version = next((v for v in versions if str(v.number) == wanted), None) or (versions[0] if versions else None)
    if version is None:
        raise Http404
    return render(
        request,
        "learning/scenarios/figures.html",
        {"scenario": item, "versions": versions, "figures": aggregates.figures(version)},
    )
