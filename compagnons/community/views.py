"""The community's pages: one view per action; a POST view validates its own form and calls one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.accounts.models import User
from compagnons.community import permissions, services
from compagnons.community.forms import (
    AnswerForm,
    CategoryForm,
    CategoryRemoveForm,
    EditForm,
    ModerateForm,
    ModeratorForm,
    PreferenceForm,
    ReasonForm,
    ReportForm,
    SearchForm,
    ThreadForm,
)
from compagnons.community.models import Category, Follow, Moderator, Notification, Post, Report, Thread
from compagnons.community.search import search as run_search
from compagnons.core import fragments, frames
from compagnons.core.exceptions import Refused
from compagnons.core.ids import parse_id, parse_page
from compagnons.core.permissions import is_team, require_team
from compagnons.core.refusals import refused

THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 20


def _slice_page(queryset, request, size):
    """Previous / next over a queryset without counting it (lists over hundreds of thousands of threads)."""
    number = parse_page(request.GET.get("page"))
    rows = list(queryset[(number - 1) * size : number * size + 1])
    return {"items": rows[:size], "number": number, "has_next": len(rows) > size, "has_previous": number > 1}


# --- Reading ------------------------------------------------------------------------------------------


@fragments.public_page("community.index")
@fragments.member_page("community.index")
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    # the counts are the categories' own columns (kept by the services, see counters.py): nothing is counted here
    categories = list(Category.objects.listed().visible_to(request.user).for_site(getattr(request, "site", None)))
    # The latest discussions straight from the partial index (-last_activity_at, -id) WHERE hidden_at IS NULL: the
    # categories are a filter on the rows read (`category_id + 0`, no index to choose), never the way in — through
    # the category, SQLite sorted a whole category's threads for ten of them (1.2 s at 20,000 threads).
    latest = list(
        Thread.objects.filter(hidden_at=None)
        .alias(in_category=F("category_id") + 0)
        .filter(in_category__in=[category.pk for category in categories])
        .select_related("category", "author")
        .order_by("-last_activity_at", "-id")[:10]
    )
    context = {
        "categories": categories,
        "latest": latest,
        "search_form": SearchForm(),
        "is_team": is_team(request.user),
    }
    return render(request, "community/index.html", context)


@fragments.public_page("community.category")
@fragments.member_page("community.category")
@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    category = permissions.get_category_for_reader(request.user, slug)
    threads = (
        Thread.objects.visible_to(request.user)
        .filter(category=category)
        .select_related("author")
        .order_by("-last_activity_at", "-id")
    )
    following = request.user.is_authenticated and Follow.objects.filter(member=request.user, category=category).exists()
    return render(
        request,
        "community/category.html",
        {
            "category": category,
            "page": _slice_page(threads, request, THREADS_PER_PAGE),
            "following": following,
            "can_post": permissions.can_post(request.user) and not category.is_archived,
        },
    )


@require_safe
def unanswered(request: HttpRequest) -> HttpResponse:
    threads = (
        Thread.objects.visible_to(request.user)
        .unanswered()
        .select_related("category", "author")
        .order_by("-created_at", "-id")
    )
    return render(request, "community/unanswered.html", {"page": _slice_page(threads, request, THREADS_PER_PAGE)})


def _posts_for(user, thread, *, moderator: bool | None = None):
    posts = thread.posts.select_related("author", "quoting__author").order_by("created_at", "id")
    if permissions.is_moderator(user) if moderator is None else moderator:
        return posts
    if user.is_authenticated:
        return posts.filter(Q(status=Post.Status.VISIBLE) | Q(author=user))
    return posts.filter(status=Post.Status.VISIBLE)


@fragments.public_page("community.thread")
@fragments.member_page("community.thread")
@require_safe
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = permissions.get_thread_for_reader(request.user, pk)
    return _thread_page(request, thread, AnswerForm())


def _thread_page(request, thread, form, status=200):
    user = request.user
    moderator = permissions.is_moderator(user)  # asked once: the posts' filter and the page both need it
    posts = _posts_for(user, thread, moderator=moderator)
    page = Paginator(posts, POSTS_PER_PAGE).get_page(parse_page(request.GET.get("page")))
    context = {
        "thread": thread,
        "category": thread.category,
        "page": page,
        "form": form,
        "can_post": permissions.can_post(user) and not thread.is_locked and not thread.category.is_archived,
        "can_mark": permissions.can_mark_helpful(user, thread),
        "is_moderator": moderator,
        "following": user.is_authenticated and Follow.objects.filter(member=user, thread=thread).exists(),
    }
    return render(request, "community/thread.html", context, status=status)


@require_safe
def post_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's own address: its thread's page where it stands, at its anchor."""
    post = permissions.get_post_for_reader(request.user, pk)
    before = _posts_for(request.user, post.thread).filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, id__lt=post.pk)
    )
    number = before.count() // POSTS_PER_PAGE + 1
    return redirect(f"{reverse('community:thread', args=[post.thread_id])}?page={number}#message-{post.pk}")


@require_safe
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_reader(request.user, pk)
    revisions = list(post.revisions.select_related("edited_by")[:50])
    return render(request, "community/history.html", {"post": post, "thread": post.thread, "revisions": revisions})


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    query = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"]
        results = run_search(query, request.user, parse_page(request.GET.get("page"), maximum=500))
    return frames.render(request, "community/search.html", {"form": form, "results": results, "query": query})


# --- Writing ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    category = permissions.get_category_for_reader(request.user, slug)
    if not permissions.can_post(request.user) or category.is_archived:
        raise Http404
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.create_thread(
                category, by=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            if thread.hidden_at:
                messages.info(
                    request,
                    _("Merci ! Votre premier message contient un lien : la modération le relit avant de le publier."),
                )
            else:
                messages.success(request, _("Votre question est publiée."))
            return redirect(thread)
    return render(
        request, "community/thread_new.html", {"category": category, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    thread = permissions.get_thread_for_reader(request.user, pk)
    if request.method == "GET":
        quoted_id = parse_id(request.GET.get("citer"))
        initial = {}
        if quoted_id:
            quoted = (
                Post.objects.filter(pk=quoted_id, thread=thread, status=Post.Status.VISIBLE)
                .select_related("author")
                .first()
            )
            if quoted is not None:
                initial = {"body": services.quote(quoted), "quoting": quoted.pk}
        return render(request, "community/answer.html", {"thread": thread, "form": AnswerForm(initial=initial)})
    form = AnswerForm(request.POST)
    if form.is_valid():
        quoting = None
        if form.cleaned_data.get("quoting"):
            quoting = Post.objects.filter(pk=parse_id(form.cleaned_data["quoting"]) or 0).first()
        try:
            post = services.answer(thread, by=request.user, body=form.cleaned_data["body"], quoting=quoting)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            if post.status == Post.Status.HELD:
                messages.info(
                    request,
                    _("Merci ! Votre premier message contient un lien : la modération le relit avant de le publier."),
                )
            else:
                messages.success(request, _("Votre réponse est publiée."))
            return redirect(post)
    return render(request, "community/answer.html", {"thread": thread, "form": form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_editor(request.user, pk)
    initial = {"body": post.body, "title": post.thread.title}
    form = EditForm(request.POST or None, initial=initial, is_question=post.is_question)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(
                post, by=request.user, body=form.cleaned_data["body"], title=form.cleaned_data.get("title")
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Message modifié. L'ancienne version reste dans l'historique."))
            return redirect(post)
    return render(
        request,
        "community/edit.html",
        {"post": post, "thread": post.thread, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def mark(request: HttpRequest, thread_pk: int, pk: int) -> HttpResponse:
    thread = permissions.get_thread_for_reader(request.user, thread_pk)
    post = get_object_or_404(Post, pk=pk)
    try:
        services.mark_helpful(post, thread=thread, by=request.user)
    except Refused as error:
        return refused(request, error, thread)
    messages.success(request, _("Merci ! La personne qui a répondu est remerciée dans ses contreparties."))
    return redirect(post)


@login_required
@require_POST
def unmark(request: HttpRequest, thread_pk: int, pk: int) -> HttpResponse:
    thread = permissions.get_thread_for_reader(request.user, thread_pk)
    post = get_object_or_404(Post, pk=pk)
    try:
        services.unmark_helpful(post, thread=thread, by=request.user)
    except Refused as error:
        return refused(request, error, thread)
    messages.success(request, _("La marque est retirée, et sa contrepartie corrigée."))
    return redirect(post)


@login_required
@require_POST
def follow_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = permissions.get_thread_for_reader(request.user, pk)
    on = request.POST.get("on") == "1"
    services.set_follow(by=request.user, thread=thread, on=on)
    messages.success(request, _("Vous suivez cette discussion.") if on else _("Vous ne suivez plus cette discussion."))
    return redirect(thread)


@login_required
@require_POST
def follow_category(request: HttpRequest, slug: str) -> HttpResponse:
    category = permissions.get_category_for_reader(request.user, slug)
    on = request.POST.get("on") == "1"
    services.set_follow(by=request.user, category=category, on=on)
    messages.success(request, _("Vous suivez cette catégorie.") if on else _("Vous ne suivez plus cette catégorie."))
    return redirect(category)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_reader(request.user, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report(post, by=request.user, reason=form.cleaned_data["reason"])
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Merci. La modération va lire votre signalement."))
            return redirect(post)
    return render(
        request,
        "community/report.html",
        {"post": post, "thread": post.thread, "form": form},
        status=400 if form.errors else 200,
    )


# --- Notifications -------------------------------------------------------------------------------------


@login_required
@require_safe
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(recipient=request.user).select_related("thread", "post", "action")[:50])
    form = PreferenceForm(initial={"email": services.email_preference(request.user)})
    return render(request, "community/notifications.html", {"items": items, "form": form})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.mark_notifications_read(request.user, by=request.user)
    messages.success(request, _("Notifications marquées comme lues."))
    return redirect("community:notifications")


@login_required
@require_POST
def preference(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if form.is_valid():
        services.set_email_preference(request.user, form.cleaned_data["email"], by=request.user)
        messages.success(request, _("Votre choix est enregistré."))
        return redirect("community:notifications")
    items = list(Notification.objects.filter(recipient=request.user).select_related("thread", "post", "action")[:50])
    return render(request, "community/notifications.html", {"items": items, "form": form}, status=400)


# --- Moderation ----------------------------------------------------------------------------------------


def _require_moderator(user):
    if not permissions.is_moderator(user):
        raise Http404


@login_required
@require_safe
def moderation(request: HttpRequest) -> HttpResponse:
    _require_moderator(request.user)
    reports = list(
        Report.objects.open().select_related("post__thread", "post__author", "reporter").order_by("created_at")[:50]
    )
    held = list(
        Post.objects.filter(status=Post.Status.HELD).select_related("thread", "author").order_by("created_at")[:50]
    )
    return render(request, "community/moderation.html", {"reports": reports, "held": held})


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    post = permissions.get_post_for_moderator(request.user, pk)
    form = ModerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderate(post, form.cleaned_data["action"], by=request.user, reason=form.cleaned_data["reason"])
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("C'est fait. La personne concernée est prévenue, avec votre motif."))
            return redirect("community:moderation")
    reports = list(post.reports.open().select_related("reporter"))
    lock_form = ReasonForm()
    return render(
        request,
        "community/moderate.html",
        {"post": post, "thread": post.thread, "form": form, "reports": reports, "lock_form": lock_form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    thread = permissions.get_thread_for_moderator(request.user, pk)
    form = ReasonForm(request.POST)
    locked = request.POST.get("locked") == "1"
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif : la personne concernée le lira."))
        return redirect(thread)
    try:
        services.lock_thread(thread, by=request.user, reason=form.cleaned_data["reason"], locked=locked)
    except Refused as error:
        return refused(request, error, thread)
    messages.success(request, _("Discussion fermée.") if locked else _("Discussion rouverte."))
    return redirect(thread)


@login_required
@require_http_methods(["GET", "POST"])
def moderators(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    form = ModeratorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = User.objects.active().filter(email__iexact=form.cleaned_data["email"]).first()
        if member is None:
            form.add_error("email", _("Aucun membre actif n'a cette adresse."))
        else:
            try:
                services.grant_moderator(member, by=request.user, reason=form.cleaned_data["reason"])
            except Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("La modération est confiée à ce compagnon."))
                return redirect("community:moderators")
    current = list(Moderator.objects.select_related("member").order_by("granted_at"))
    return render(
        request, "community/moderators.html", {"form": form, "current": current}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def moderator_revoke(request: HttpRequest, member_id: int) -> HttpResponse:
    require_team(request.user)
    member = get_object_or_404(User, pk=member_id)
    services.revoke_moderator(member, by=request.user)
    messages.success(request, _("La modération est retirée."))
    return redirect("community:moderators")


@login_required
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    require_team(request.user)
    instance = get_object_or_404(Category, slug=slug) if slug else None
    form = CategoryForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_category(form.instance, by=request.user)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Catégorie enregistrée."))
            return redirect("community:categories")
    return render(
        request,
        "community/categories.html",
        {"form": form, "instance": instance, "categories": list(Category.objects.all())},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_remove(request: HttpRequest, slug: str) -> HttpResponse:
    """The confirmation page, then the removal: deleted if it has no thread, archived otherwise."""
    require_team(request.user)
    category = get_object_or_404(Category, slug=slug)
    has_threads = Thread.objects.filter(category=category).exists()
    form = CategoryRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.remove_category(category, by=request.user, reason=form.cleaned_data["reason"])
        except Refused as error:
            form.add_error(None, str(error))
        else:
            if outcome == "deleted":
                messages.success(request, _("Catégorie supprimée."))
            else:
                messages.success(request, _("Catégorie archivée : ses discussions restent lisibles."))
            return redirect("community:categories")
    return render(
        request,
        "community/category_remove.html",
        {"category": category, "has_threads": has_threads, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def category_restore(request: HttpRequest, slug: str) -> HttpResponse:
    require_team(request.user)
    category = get_object_or_404(Category, slug=slug)
    try:
        services.restore_category(category, by=request.user)
    except Refused as error:
        return refused(request, error, "community:categories")
    messages.success(request, _("Catégorie rétablie."))
    return redirect("community:categories")
