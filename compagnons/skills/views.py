import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.core import fragments
from compagnons.core.exceptions import Refused
from compagnons.core.permissions import require_team
from compagnons.core.refusals import refused
from compagnons.skills import permissions, referentiel, results, services
from compagnons.skills.forms import CompetenceLevelsForm, ImportForm, ReflectionForm, ReviewForm
from compagnons.skills.models import LEVEL_HELP, Certification, Competence, Level, Positioning, Reflection, Trade


def _current_certification_or_404() -> Certification:
    certification = Certification.objects.current()
    if certification is None:
        raise Http404
    return certification


@fragments.public_page("referentiel")
@require_safe
def referentiel_page(request: HttpRequest) -> HttpResponse:
    """Public: the certification in force, its blocs, compétences and criteria (Qualiopi indicator 1)."""
    certification = _current_certification_or_404()
    competences = Competence.objects.prefetch_related("alignments").order_by("position", "code")
    blocks = certification.blocks.prefetch_related(Prefetch("competences", queryset=competences))
    loose = competences.filter(certification=certification, block__isnull=True)
    return render(
        request,
        "skills/referentiel.html",
        {
            "certification": certification,
            "blocks": blocks,
            "loose_competences": loose,
            "trades": Trade.objects.all(),
        },
    )


@require_safe
def referentiel_json(request: HttpRequest) -> JsonResponse:
    data = referentiel.export_referentiel(_current_certification_or_404())
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="referentiel.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def referentiel_import(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            data = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            errors = [_("Le fichier n'est pas un JSON lisible : %(error)s") % {"error": error}]
        else:
            try:
                cert = referentiel.import_referentiel(data, by=request.user, activate=form.cleaned_data["activate"])
            except referentiel.ReferentielInvalid as invalid:
                errors = invalid.errors
            else:
                messages.success(request, _("Référentiel importé : %(name)s.") % {"name": cert})
                return redirect("skills:referentiel")
    return render(request, "skills/import.html", {"form": form, "errors": errors})


# --- Positioning ----------------------------------------------------------------------


@login_required
@require_safe
def positioning_list(request: HttpRequest) -> HttpResponse:
    positionings = Positioning.objects.filter(member=request.user).select_related("certification")
    has_draft = any(p.status == Positioning.Status.DRAFT for p in positionings)
    return render(request, "skills/positioning_list.html", {"positionings": positionings, "has_draft": has_draft})


@login_required
@require_POST
def positioning_start(request: HttpRequest) -> HttpResponse:
    moment = request.POST.get("moment", Positioning.Moment.ENTRY)
    if moment not in Positioning.Moment.values:
        moment = Positioning.Moment.ENTRY
    try:
        positioning = services.start_positioning(request.user, by=request.user, moment=moment)
    except Refused as error:
        return refused(request, error, "skills:positioning_list")
    return redirect("skills:positioning_step", pk=positioning.pk, step=1)


@login_required
@require_http_methods(["GET", "POST"])
def positioning_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    positioning = permissions.get_positioning_for_member(request.user, pk)
    if positioning.status != Positioning.Status.DRAFT:
        return redirect(positioning)
    all_steps = services.steps(positioning.certification)
    if not 1 <= step <= len(all_steps):
        raise Http404
    block = all_steps[step - 1]
    competences = services.competences_of_step(positioning.certification, block)
    previous = {a.competence_id: a for a in positioning.assessments.filter(source="self")}
    form = CompetenceLevelsForm(request.POST or None, competences=competences, required=False, initial_levels=previous)
    if request.method == "POST" and form.is_valid():
        services.save_self_assessment(positioning, form.answers(), by=request.user)
        if "later" in request.POST:
            messages.success(request, _("C'est enregistré. Vous reprendrez où vous en étiez."))
            return redirect("skills:positioning_list")
        if "previous" in request.POST and step > 1:
            return redirect("skills:positioning_step", pk=pk, step=step - 1)
        if step < len(all_steps):
            return redirect("skills:positioning_step", pk=pk, step=step + 1)
        return redirect("skills:positioning_summary", pk=pk)
    return render(
        request,
        "skills/positioning_step.html",
        {
            "positioning": positioning,
            "form": form,
            "current_block": block,
            "step": step,
            "step_count": len(all_steps),
            "level_help": [(level.label, LEVEL_HELP[level]) for level in Level],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def positioning_summary(request: HttpRequest, pk: int) -> HttpResponse:
    positioning = permissions.get_positioning_for_member(request.user, pk)
    if positioning.status != Positioning.Status.DRAFT:
        return redirect(positioning)
    if request.method == "POST":
        try:
            services.submit_positioning(positioning, by=request.user)
        except Refused as error:
            messages.error(request, str(error))  # the summary shows again, with what is missing
        else:
            messages.success(request, _("Votre auto-évaluation est envoyée. Votre formateur va donner son avis."))
            return redirect(positioning)
    missing = services.missing_answers(positioning)
    return render(
        request,
        "skills/positioning_summary.html",
        {"positioning": positioning, "missing": missing, "step_count": len(services.steps(positioning.certification))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def positioning_review(request: HttpRequest, pk: int) -> HttpResponse:
    positioning, source = permissions.get_positioning_for_reviewer(request.user, pk)
    if positioning.status == Positioning.Status.DRAFT:
        messages.info(request, _("La personne n'a pas encore envoyé son auto-évaluation."))
        return redirect(positioning)
    competences = list(
        positioning.certification.competences.select_related("block").order_by("block__position", "position")
    )
    mine = {a.competence_id: a for a in positioning.assessments.filter(source=source)}
    own = {a.competence_id: a for a in positioning.assessments.filter(source="self")}
    form = ReviewForm(
        request.POST or None,
        competences=competences,
        required=True,
        initial_levels=mine,
        initial={"summary": positioning.staff_comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_positioning(
                positioning, form.answers(), by=request.user, source=source, summary=form.cleaned_data["summary"]
            )
        except Refused as error:
            messages.error(request, str(error))  # the grid shows again, as it was filled
        else:
            messages.success(request, _("Votre avis est enregistré."))
            return redirect(positioning)
    rows = [(competence, level, comment, own.get(competence.pk)) for competence, level, comment in form.rows()]
    return render(
        request,
        "skills/positioning_review.html",
        {"positioning": positioning, "form": form, "rows": rows, "source": source},
    )


@login_required
@fragments.member_page("skills.positioning_result")
@require_safe
def positioning_result(request: HttpRequest, pk: int) -> HttpResponse:
    positioning = permissions.get_positioning_for_viewer(request.user, pk)
    result = results.positioning_result(positioning)
    previous = results.previous_positioning(positioning)
    previous_result = results.positioning_result(previous) if previous else None
    can_review = permissions.can_review_positioning(request.user, positioning)
    return render(
        request,
        "skills/positioning_result.html",
        {
            "positioning": positioning,
            "result": result,
            "chart": results.chart_rows(result, previous_result),
            "previous": previous,
            "can_review": can_review,
        },
    )


@login_required
@fragments.member_page("positioning_queue")
@require_safe
def positioning_queue(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    waiting = (
        Positioning.objects.filter(status=Positioning.Status.SUBMITTED)
        .select_related("member", "certification")
        .order_by("submitted_at")[:200]
    )
    return render(request, "skills/positioning_queue.html", {"waiting": waiting})


# --- Reflection -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reflection(request: HttpRequest) -> HttpResponse:
    instance = Reflection.objects.filter(member=request.user).first() or Reflection(member=request.user)
    form = ReflectionForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_reflection(form.instance, by=request.user)
        messages.success(request, _("Votre page est enregistrée."))
        return redirect("skills:reflection")
    return render(request, "skills/reflection.html", {"form": form})


@login_required
@require_safe
def member_reflection(request: HttpRequest, member_id: int) -> HttpResponse:
    """What a compagnon sees of their apprentice's reflection, only when shared."""
    page = permissions.get_shared_reflection_for_mentor(request.user, member_id)
    return render(request, "skills/reflection_shared.html", {"page": page})
