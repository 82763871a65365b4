"""Who may read, write and moderate in the community. `can_*` answer, `get_*_for_*` fetch and check in one step
(404 for anyone else). « Team member » is `core.permissions.is_team`."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from compagnons.accounts.services import has_accepted_current_charter
from compagnons.community.models import Category, Moderator, Post, Report, Thread
from compagnons.core.permissions import is_team


def can_read_category(user, category: Category) -> bool:
    return category.is_public or user.is_authenticated


def can_post(user) -> bool:
    """An active member who accepted the current charter (the code of conduct is part of it)."""
    return bool(user.is_authenticated and user.is_active and not user.erased_at and has_accepted_current_charter(user))


def is_moderator(user) -> bool:
    """The team, and compagnons the team granted moderation."""
    if not user.is_authenticated:
        return False
    if is_team(user):
        return True
    return user.is_compagnon and Moderator.objects.filter(member=user).exists()


def can_see_thread(user, thread: Thread) -> bool:
    if thread.hidden_at is not None and not (
        user.is_authenticated and (user.pk == thread.author_id or is_moderator(user))
    ):
        return False
    return can_read_category(user, thread.category)


def can_see_post(user, post: Post) -> bool:
    if post.status == Post.Status.VISIBLE:
        return True
    return user.is_authenticated and (user.pk == post.author_id or is_moderator(user))


def can_edit_post(user, post: Post) -> bool:
    """The author while the post is not hidden (nor its thread locked), and moderators."""
    if not user.is_authenticated:
        return False
    if is_moderator(user):
        return True
    return user.pk == post.author_id and post.status != Post.Status.HIDDEN and not post.thread.is_locked


def can_mark_helpful(user, thread: Thread) -> bool:
    """The asker, or the team."""
    return user.is_authenticated and (user.pk == thread.author_id or is_team(user))


def get_category_for_reader(user, slug: str) -> Category:
    category = get_object_or_404(Category, slug=slug)
    if not can_read_category(user, category):
        raise Http404
    return category


def get_thread_for_reader(user, pk: int) -> Thread:
    thread = get_object_or_404(Thread.objects.select_related("category", "author"), pk=pk)
    if not can_see_thread(user, thread):
        raise Http404
    return thread


def get_post_for_reader(user, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("thread__category", "author"), pk=pk)
    if not (can_see_thread(user, post.thread) and can_see_post(user, post)):
        raise Http404
    return post


def get_post_for_editor(user, pk: int) -> Post:
    post = get_post_for_reader(user, pk)
    if not can_edit_post(user, post):
        raise Http404
    return post


def get_post_for_moderator(user, pk: int) -> Post:
    if not is_moderator(user):
        raise Http404
    return get_object_or_404(Post.objects.select_related("thread__category", "author"), pk=pk)


def get_thread_for_moderator(user, pk: int) -> Thread:
    if not is_moderator(user):
        raise Http404
    return get_object_or_404(Thread.objects.select_related("category"), pk=pk)


def get_report_for_moderator(user, pk: int) -> Report:
    if not is_moderator(user):
        raise Http404
    return get_object_or_404(Report.objects.select_related("post__thread"), pk=pk)
