"""The forum's denormalised counts, so that no page counts millions of rows:

- per thread: `answer_count` (its visible answers), `last_activity_at` (its latest visible post's date, the
  thread's own while none is visible) and `has_helpful`;
- per category: `thread_count` (its visible threads), `post_count` (their visible posts, questions included) and
  `last_activity_at` (the latest of its visible threads' activity; empty while it has none).

The services call the `shown` / `hidden` functions below in the transaction of the write that changes them
(a new thread or answer, hiding, restoring or approving a post); `audit` recomputes every count from the rows
and reports (or, with `fix`, rewrites) those that disagree: `manage.py community_audit`.
"""

from datetime import datetime

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce, Greatest

from compagnons.community.models import Category, Post, Thread

CHUNK = 5000
MAX_REPORTED = 20


def _later(at: datetime):
    """The column or `at`, whichever is later (an empty column counts as earlier)."""
    return Greatest(Coalesce(F("last_activity_at"), at), at)


def _latest_post_at(thread_id: int) -> datetime | None:
    return (
        Post.objects.filter(thread_id=thread_id, status=Post.Status.VISIBLE)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )


def _latest_thread_at(category_id: int) -> datetime | None:
    return (
        Thread.objects.filter(category_id=category_id, hidden_at=None)
        .order_by("-last_activity_at", "-id")
        .values_list("last_activity_at", flat=True)
        .first()
    )


def thread_shown(thread: Thread) -> None:
    """A thread became visible (created visible, or its question restored or approved): its category counts it."""
    thread.refresh_from_db(fields=["answer_count", "last_activity_at"])
    Category.objects.filter(pk=thread.category_id).update(
        thread_count=F("thread_count") + 1,
        post_count=F("post_count") + thread.answer_count + 1,
        last_activity_at=_later(thread.last_activity_at),
    )


def thread_hidden(thread: Thread) -> None:
    """A visible thread was hidden (its question hidden): its category no longer counts it."""
    thread.refresh_from_db(fields=["answer_count"])
    Category.objects.filter(pk=thread.category_id).update(
        thread_count=F("thread_count") - 1, post_count=F("post_count") - thread.answer_count - 1
    )
    Category.objects.filter(pk=thread.category_id).update(last_activity_at=_latest_thread_at(thread.category_id))


def answer_shown(post: Post, thread: Thread) -> None:
    """An answer became visible (published, restored or approved): its thread and, if shown, its category count it."""
    Thread.objects.filter(pk=thread.pk).update(
        answer_count=F("answer_count") + 1, last_activity_at=_later(post.created_at)
    )
    if thread.hidden_at is None:
        Category.objects.filter(pk=thread.category_id).update(
            post_count=F("post_count") + 1, last_activity_at=_later(post.created_at)
        )


def answer_hidden(post: Post, thread: Thread) -> None:
    """A visible answer was hidden: its thread's and category's counts and dates go back."""
    latest = _latest_post_at(thread.pk) or thread.created_at
    Thread.objects.filter(pk=thread.pk).update(answer_count=F("answer_count") - 1, last_activity_at=latest)
    if thread.hidden_at is None:
        Category.objects.filter(pk=thread.category_id).update(post_count=F("post_count") - 1)
        Category.objects.filter(pk=thread.category_id).update(last_activity_at=_latest_thread_at(thread.category_id))


# --- The audit ---------------------------------------------------------------------------------------------


def audit(*, fix: bool = False) -> list[str]:
    """Every count recomputed from the rows; the disagreements, described (rewritten first when `fix`).
    Threads before categories: a category's counts are recomputed from its threads' (fixed) ones."""
    faults = _audit_threads(fix)
    faults += _audit_categories(fix)
    return faults


def _audit_threads(fix: bool) -> list[str]:
    visible = Post.objects.filter(status=Post.Status.VISIBLE)
    answers: dict[int, int] = {}
    latest: dict[int, datetime] = {}
    for thread_id, n, at in (
        visible.order_by()
        .values("thread_id")
        .annotate(n=Count("pk", filter=Q(is_question=False)), at=Max("created_at"))
        .values_list("thread_id", "n", "at")
        .iterator(chunk_size=CHUNK)
    ):
        answers[thread_id], latest[thread_id] = n, at
    helpful = set(Post.objects.filter(helpful=True).values_list("thread_id", flat=True))
    faults: list[str] = []
    wrong = 0
    rows = Thread.objects.order_by("pk").values_list(
        "pk", "answer_count", "last_activity_at", "created_at", "has_helpful"
    )
    for pk, answer_count, last_activity_at, created_at, has_helpful in rows.iterator(chunk_size=CHUNK):
        expected = {
            "answer_count": answers.get(pk, 0),
            "last_activity_at": latest.get(pk, created_at),
            "has_helpful": pk in helpful,
        }
        stored = {"answer_count": answer_count, "last_activity_at": last_activity_at, "has_helpful": has_helpful}
        differing = {name: value for name, value in expected.items() if stored[name] != value}
        if not differing:
            continue
        wrong += 1
        if wrong <= MAX_REPORTED:
            faults.append(
                f"thread {pk}: "
                + ", ".join(f"{name} {stored[name]} ≠ recomputed {value}" for name, value in differing.items())
            )
        if fix:
            Thread.objects.filter(pk=pk).update(**differing)
    if wrong > MAX_REPORTED:
        faults.append(f"… {wrong} threads with a wrong count in all")
    return faults


def recount_categories() -> None:
    """Every category's counts rewritten from its threads' (after a bulk load that bypassed the services)."""
    _audit_categories(fix=True)


def _audit_categories(fix: bool) -> list[str]:
    computed = {
        row["category_id"]: row
        for row in Thread.objects.filter(hidden_at=None)
        .order_by()
        .values("category_id")
        .annotate(threads=Count("pk"), answers=Sum("answer_count"), at=Max("last_activity_at"))
    }
    faults: list[str] = []
    for category in Category.objects.order_by("pk"):
        row = computed.get(category.pk, {})
        threads = row.get("threads", 0)
        expected = {
            "thread_count": threads,
            "post_count": (row.get("answers") or 0) + threads,
            "last_activity_at": row.get("at"),
        }
        differing = {name: value for name, value in expected.items() if getattr(category, name) != value}
        if not differing:
            continue
        faults.append(
            f"category {category.slug}: "
            + ", ".join(f"{name} {getattr(category, name)} ≠ recomputed {value}" for name, value in differing.items())
        )
        if fix:
            Category.objects.filter(pk=category.pk).update(**differing)
    return faults
