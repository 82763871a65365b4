"""Learning pages: one view per action."""

# --- Capsules --------------------------------------------------------------------------------------------

import uuid as _uuid

from django.contrib import messages as _messages
from django.contrib.auth.decorators import login_required as _login_required
from django.http import HttpResponse as _HttpResponse
from django.shortcuts import redirect as _redirect
from django.shortcuts import render as _render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods as _require_http_methods
from django.views.decorators.http import require_POST as _require_POST
from django.views.decorators.http import require_safe as _require_safe

from compagnons.core.exceptions import Refused as _Refused
from compagnons.core.refusals import refused as _refused
from compagnons.learning import capsule_files as _capsule_files
from compagnons.learning import capsules as _capsules
from compagnons.learning import permissions as _permissions
from compagnons.learning import services as _services
from compagnons.learning.forms import CapsuleForm, CapsuleImportForm
from compagnons.learning.models import Capsule as _Capsule
from compagnons.learning.models import Progress as _Progress


@_login_required
@_require_safe
def home(request):
    """The learning home: recommended capsules first, with their reasons; where one stopped; every capsule."""
    context = _capsules.home(request.user)
    context["can_author"] = _permissions.can_author_capsules(request.user)
    return _render(request, "learning/home.html", context)


@_login_required
@_require_safe
def capsule(request, slug: str):
    item = _permissions.get_capsule_for_viewer(request.user, slug)
    progress = _Progress.objects.filter(member=request.user, capsule=item).first()
    competences = list(item.competences.all())
    return _render(
        request,
        "learning/capsules/capsule.html",
        {"capsule": item, "progress": progress, "competences": competences, "preview": False},
    )


@_login_required
@_require_POST
def capsule_read(request, slug: str):
    item = _permissions.get_capsule_for_viewer(request.user, slug)
    try:
        _services.mark_read(item, by=request.user)
    except _Refused as error:
        return _refused(request, error, item)
    _messages.success(request, _("C'est noté. À vous de jouer : le quiz vérifie ce que vous en retenez."))
    return _redirect("learning:quiz", slug=item.slug)


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


@_login_required
@_require_http_methods(["GET", "POST"])
def quiz(request, slug: str):
    """The quiz as a plain form; its token makes a form sent twice a single attempt."""
    item = _capsules.capsule_with_quiz(_permissions.get_capsule_for_viewer(request.user, slug))
    selected: dict[int, list[int]] = {}
    error = ""
    token = str(_uuid.uuid4())
    if request.method == "POST":
        token = request.POST.get("token", "")
        try:
            selected = _answers_from(request.POST)
            attempt = _services.submit_quiz(item, by=request.user, token=token, answers=selected)
        except _Refused as refusal:
            error = str(refusal)
        except ValueError:
            error = _(
                "Une réponse envoyée n'est pas valable : rien n'est enregistré. Choisissez parmi les réponses proposées."  # noqa: E501
            )
        else:
            return _redirect("learning:attempt", slug=item.slug, token=attempt.token)
        token = str(_uuid.uuid4())  # nothing was recorded: a fresh form
    progress = _Progress.objects.filter(member=request.user, capsule=item).first()
    response = _render(
        request,
        "learning/capsules/quiz.html",
        {"capsule": item, "rows": _quiz_rows(item, selected), "token": token, "error": error, "progress": progress},
        status=400 if error else 200,
    )
    return response


@_login_required
@_require_safe
def attempt(request, slug: str, token):
    """The feedback of one attempt: for each answer, why it is right or not."""
    item = _capsules.capsule_with_quiz(_permissions.get_capsule_for_viewer(request.user, slug))
    tried = _permissions.get_attempt_for_member(request.user, item, token)
    chosen = {int(k): v for k, v in tried.answers.items()}
    return _render(
        request,
        "learning/capsules/attempt.html",
        {
            "capsule": item,
            "attempt": tried,
            "progress": tried.progress,
            "rows": _quiz_rows(item, chosen),
            "stale": tried.capsule_version != item.version,
            "pass_percent": _services.pass_percent(),
        },
    )


# Staff: authoring, preview, publication, import and export.


@_login_required
@_require_safe
def staff_capsules(request):
    _permissions.require_capsule_author(request.user)
    return _render(request, "learning/capsules/staff_list.html", {"capsules": _capsules.staff_list()})


def _save_form(request, item=None):
    form = CapsuleForm(
        request.POST or None, request.FILES or None, initial=CapsuleForm.initial_for(item) if item else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved, changed = _services.save_capsule(
                form.capsule_data,
                by=request.user,
                capsule=item,
                files={"image": form.cleaned_data.get("image"), "audio": form.cleaned_data.get("audio")},
            )
        except _Refused as error:
            form.add_error(None, str(error))
        else:
            if changed:
                _messages.success(
                    request,
                    _("Capsule enregistrée (version %(v)s). Relisez l'aperçu avant de la publier.")
                    % {"v": saved.version},
                )
            else:
                _messages.info(request, _("Rien n'a changé : la capsule reste telle quelle."))
            return _redirect("learning:staff_preview", pk=saved.pk)
    example = _capsule_files.questions_yaml(EXAMPLE_QUIZ)
    return _render(
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


@_login_required
@_require_http_methods(["GET", "POST"])
def staff_new(request):
    _permissions.require_capsule_author(request.user)
    return _save_form(request)


@_login_required
@_require_http_methods(["GET", "POST"])
def staff_edit(request, pk: int):
    return _save_form(request, _permissions.get_capsule_for_author(request.user, pk))


@_login_required
@_require_safe
def staff_preview(request, pk: int):
    """The capsule as members will see it, then its quiz with the right answers and every explanation."""
    item = _capsules.capsule_with_quiz(_permissions.get_capsule_for_author(request.user, pk))
    return _render(
        request,
        "learning/capsules/preview.html",
        {"capsule": item, "competences": list(item.competences.all()), "preview": True},
    )


@_login_required
@_require_POST
def staff_publish(request, pk: int):
    item = _permissions.get_capsule_for_author(request.user, pk)
    try:
        _services.publish_capsule(item, by=request.user)
    except _Refused as error:
        return _refused(request, error, "learning:staff_preview", pk=item.pk)
    _messages.success(request, _("Capsule publiée : les membres la voient."))
    return _redirect("learning:staff_preview", pk=item.pk)


@_login_required
@_require_POST
def staff_archive(request, pk: int):
    item = _permissions.get_capsule_for_author(request.user, pk)
    try:
        _services.archive_capsule(item, by=request.user)
    except _Refused as error:
        return _refused(request, error, "learning:staff_preview", pk=item.pk)
    _messages.success(request, _("Capsule retirée : les membres ne la voient plus."))
    return _redirect("learning:staff_capsules")


@_login_required
@_require_http_methods(["GET", "POST"])
def staff_import(request):
    _permissions.require_capsule_author(request.user)
    form = CapsuleImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            item, changed = _services.import_capsule_file(
                form.text, by=request.user, filename=form.cleaned_data["file"].name
            )
        except _capsule_files.CapsuleFileError as error:
            errors = error.errors
        except _Refused as error:
            errors = [str(error)]
        else:
            if changed:
                _messages.success(request, _("Capsule importée (version %(v)s).") % {"v": item.version})
            else:
                _messages.info(request, _("Ce fichier est identique à la capsule en place : rien n'a changé."))
            return _redirect("learning:staff_preview", pk=item.pk)
    return _render(
        request,
        "learning/capsules/staff_import.html",
        {"form": form, "errors": errors},
        status=400 if (errors or form.errors) else 200,
    )


@_login_required
@_require_safe
def staff_export(request, pk: int):
    item = _permissions.get_capsule_for_author(request.user, pk)
    item = _Capsule.objects.prefetch_related("competences", "questions__options").get(pk=item.pk)
    response = _HttpResponse(_capsule_files.export_yaml(item), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{item.slug}.yaml"'
    return response


# --- Scenarios -------------------------------------------------------------------------------------------
