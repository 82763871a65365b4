"""Every write of the community: threads, answers, edits (kept as revisions), the helpful mark and its ledger
credit, follows and notifications, reports and moderation. Each is atomic, takes the acting person as `by=`,
refuses with a French message (`core.exceptions.Refused`) and is audit-logged when it matters."""

import re
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compagnons.accounts.models import User
from compagnons.community import counters, permissions, search
from compagnons.community.models import (
    MAX_BODY,
    MAX_REASON,
    MAX_TITLE,
    Category,
    Follow,
    HelpfulMark,
    ModerationAction,
    Moderator,
    Notification,
    Post,
    Preference,
    Report,
    Revision,
    SiteCategoryOrder,
    Thread,
)
from compagnons.community.notifications import send_notifications
from compagnons.core import audit, ratelimit
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.markdown import has_links, render_markdown
from compagnons.core.permissions import is_team
from compagnons.ledger import services as ledger_services

# Newcomers' limits (settings may override): an account younger than NEW_ACCOUNT_DAYS writes at most
# NEW_POSTS_PER_HOUR posts an hour, and its first post holding a link waits for a moderator.
NEW_ACCOUNT_DAYS = getattr(settings, "COMMUNITY_NEW_ACCOUNT_DAYS", 7)
NEW_POSTS_PER_HOUR = getattr(settings, "COMMUNITY_NEW_POSTS_PER_HOUR", 5)
POSTS_PER_HOUR = getattr(settings, "COMMUNITY_POSTS_PER_HOUR", 30)
MAX_MENTIONS = 5
MENTION = re.compile(r"@([^\W\d_][\w'’-]*)[ \u00a0]([^\W\d_][\w'’-]*)")


# --- Checks ---------------------------------------------------------------------------------------


def _check_can_post(by: User) -> None:
    if not permissions.can_post(by):
        raise PermissionRefused(
            _("Pour écrire dans l'entraide, acceptez d'abord la charte en vigueur (son code de conduite compris).")
        )


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidTransition(_("Votre message est vide : écrivez quelques mots."))
    if len(body) > MAX_BODY:
        raise InvalidTransition(
            _("Votre message dépasse %(max)s caractères : raccourcissez-le ou partagez-le en plusieurs réponses.")
            % {"max": f"{MAX_BODY:,}".replace(",", "\u202f")}
        )
    return body


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) < 5:
        raise InvalidTransition(_("Donnez un titre d'au moins 5 caractères à votre question."))
    if len(title) > MAX_TITLE:
        raise InvalidTransition(_("Le titre tient en %(max)s caractères au plus.") % {"max": MAX_TITLE})
    return title


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition(_("Indiquez le motif : la personne concernée le lira."))
    if len(reason) > MAX_REASON:
        raise InvalidTransition(_("Le motif tient en %(max)s caractères au plus.") % {"max": MAX_REASON})
    return reason


def is_newcomer(user: User) -> bool:
    return user.date_joined > timezone.now() - timedelta(days=NEW_ACCOUNT_DAYS)


def _check_rate(by: User) -> None:
    limit = NEW_POSTS_PER_HOUR if is_newcomer(by) else POSTS_PER_HOUR
    if not ratelimit.hit(ratelimit.key_for("community-post", by.pk), limit, timedelta(hours=1)):
        raise PermissionRefused(
            _("Vous avez beaucoup écrit cette dernière heure (%(limit)s messages) : reprenez un peu plus tard.")
            % {"limit": limit}
        )


def _status_for(by: User, body: str) -> str:
    """A newcomer's first post holding a link waits for a moderator (the usual way spam arrives)."""
    if is_newcomer(by) and has_links(body) and not Post.objects.filter(author=by, status=Post.Status.VISIBLE).exists():
        return Post.Status.HELD
    return Post.Status.VISIBLE


# --- The search index: PostgreSQL's stored tsvector, SQLite's FTS5 table, both written with the post ---------


def _index(post: Post, *, old: tuple[str, str] | None = None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"UPDATE community_post SET search_vector = {search.VECTOR} WHERE id = %s", [post.pk])  # noqa: S608
        elif connection.vendor == "sqlite":
            if old is not None:
                cursor.execute(
                    "INSERT INTO community_post_fts(community_post_fts, rowid, search_title, body) "
                    "VALUES ('delete', %s, %s, %s)",
                    [post.pk, *old],
                )
            cursor.execute(
                "INSERT INTO community_post_fts(rowid, search_title, body) VALUES (%s, %s, %s)",
                [post.pk, post.search_title, post.body],
            )
            search.remember_words(cursor, post.search_title, post.body)


# --- Notifications ------------------------------------------------------------------------------------


def mentioned_members(body: str) -> list[User]:
    """Members named « @Prénom Nom » in a text (an exact, unique name; at most five)."""
    found: list[User] = []
    for first, last in MENTION.findall(body)[: MAX_MENTIONS * 2]:
        matches = list(User.objects.active().filter(first_name__iexact=first, last_name__iexact=last)[:2])
        if len(matches) == 1 and matches[0] not in found:
            found.append(matches[0])
        if len(found) >= MAX_MENTIONS:
            break
    return found


def _notify(post: Post, kind: str, recipients, *, action: ModerationAction | None = None) -> None:
    ids = {user.pk if isinstance(user, User) else user for user in recipients}
    rows = [Notification(recipient_id=pk, kind=kind, thread_id=post.thread_id, post=post, action=action) for pk in ids]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if ids:
        kinds = (kind,)
        transaction.on_commit(lambda: send_notifications.enqueue(post.pk, list(kinds)))


def _notify_new_post(post: Post) -> None:
    """Followers of the thread (an answer) or of the category (a question), and the members it mentions."""
    if post.status != Post.Status.VISIBLE:
        return
    mentioned = {user.pk for user in mentioned_members(post.body)} - {post.author_id}
    if post.is_question:
        followers = Follow.objects.filter(category_id=post.thread.category_id)
        kind = Notification.Kind.THREAD
    else:
        followers = Follow.objects.filter(thread_id=post.thread_id)
        kind = Notification.Kind.ANSWER
    followers_ids = set(followers.exclude(member_id=post.author_id).values_list("member_id", flat=True)) - mentioned
    _notify(post, kind, followers_ids)
    _notify(post, Notification.Kind.MENTION, mentioned)


# --- Writing -----------------------------------------------------------------------------------------


@transaction.atomic
def create_thread(category: Category, *, by: User, title: str, body: str) -> Thread:
    _check_can_post(by)
    if not permissions.can_read_category(by, category):
        raise PermissionRefused(_("Cette catégorie ne vous est pas ouverte."))
    if category.is_archived:
        raise InvalidTransition(_("Cette catégorie est archivée : posez votre question dans une autre."))
    title, body = _clean_title(title), _clean_body(body)
    _check_rate(by)
    status = _status_for(by, body)
    now = timezone.now()
    thread = Thread.objects.create(
        category=category,
        author=by,
        title=title,
        created_at=now,
        last_activity_at=now,
        hidden_at=None if status == Post.Status.VISIBLE else now,
    )
    post = Post.objects.create(
        thread=thread,
        author=by,
        is_question=True,
        body=body,
        body_html=render_markdown(body),
        search_title=title,
        status=status,
        created_at=now,
    )
    _index(post)
    if status == Post.Status.VISIBLE:
        counters.thread_shown(thread)
    Follow.objects.get_or_create(member=by, thread=thread)
    audit.log(by, "community.thread_created", thread, category=category.pk, status=status)
    _notify_new_post(post)
    return thread


@transaction.atomic
def answer(thread: Thread, *, by: User, body: str, quoting: Post | None = None) -> Post:
    _check_can_post(by)
    thread = Thread.objects.select_for_update(of=("self",)).select_related("category").get(pk=thread.pk)
    if not permissions.can_see_thread(by, thread) or thread.hidden_at is not None:
        raise PermissionRefused(_("Cette discussion n'est pas ouverte aux réponses."))
    if thread.is_locked:
        raise InvalidTransition(_("Cette discussion est fermée : on n'y répond plus."))
    if thread.category.is_archived:
        raise InvalidTransition(_("Cette discussion est dans une catégorie archivée : on n'y répond plus."))
    if quoting is not None and quoting.thread_id != thread.pk:
        raise InvalidTransition(_("On ne cite qu'un message de la même discussion."))
    body = _clean_body(body)
    _check_rate(by)
    status = _status_for(by, body)
    now = timezone.now()
    post = Post.objects.create(
        thread=thread,
        author=by,
        body=body,
        body_html=render_markdown(body),
        quoting=quoting,
        status=status,
        created_at=now,
    )
    _index(post)
    if status == Post.Status.VISIBLE:
        counters.answer_shown(post, thread)
    Follow.objects.get_or_create(member=by, thread=thread)
    audit.log(by, "community.answered", post, thread=thread.pk, status=status)
    post.thread = thread
    _notify_new_post(post)
    return post


def quote(post: Post) -> str:
    """The Markdown that quotes a post at the start of an answer."""
    name = _("ancien membre") if post.author.erased_at else post.author.display_name
    lines = "\n".join(f"> {line}" if line else ">" for line in post.body.splitlines()[:40])
    return f"> **{name}** :\n{lines}\n\n"


@transaction.atomic
def edit_post(post: Post, *, by: User, body: str, title: str | None = None) -> Post:
    """The author (or a moderator) edits; the previous text is kept as a revision."""
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    moderator = permissions.is_moderator(by)
    if not moderator:
        _check_can_post(by)
    if not permissions.can_edit_post(by, post):
        raise PermissionRefused(_("Vous ne pouvez pas modifier ce message."))
    body = _clean_body(body)
    new_title = _clean_title(title) if post.is_question and title is not None else post.thread.title
    if body == post.body and new_title == post.thread.title:
        return post
    old = (post.search_title, post.body)
    Revision.objects.create(post=post, body=post.body, title=post.search_title, edited_by=by)
    post.body, post.body_html, post.edited_at = body, render_markdown(body), timezone.now()
    if post.is_question:
        post.search_title = new_title
        Thread.objects.filter(pk=post.thread_id).update(title=new_title)
        post.thread.title = new_title
    post.save(update_fields=["body", "body_html", "edited_at", "search_title"])
    _index(post, old=old)
    audit.log(by, "community.post_edited", post, by_moderator=moderator and by.pk != post.author_id)
    return post


def rewrite_body(post: Post, body: str) -> Post:
    """A body rewritten without an edit by a person (an erased member's name taken out): no revision kept."""
    old = (post.search_title, post.body)
    post.body, post.body_html = body, render_markdown(body)
    post.save(update_fields=["body", "body_html"])
    _index(post, old=old)
    return post


# --- « Cette réponse m'a aidé » --------------------------------------------------------------------------


@transaction.atomic
def mark_helpful(post: Post, *, thread: Thread, by: User) -> HelpfulMark:
    """The asker (or the team) marks the answer that helped: its author is credited in the ledger."""
    thread = Thread.objects.select_for_update(of=("self",)).get(pk=thread.pk)
    post = Post.objects.select_for_update(of=("self",)).select_related("author").get(pk=post.pk)
    if post.thread_id != thread.pk:
        raise InvalidTransition(_("Cette réponse n'appartient pas à cette discussion."))
    if not permissions.can_mark_helpful(by, thread):
        raise PermissionRefused(_("Seule la personne qui a posé la question marque la réponse qui l'a aidée."))
    if post.is_question:
        raise InvalidTransition(_("La question elle-même ne se marque pas : choisissez une réponse."))
    if post.status != Post.Status.VISIBLE:
        raise InvalidTransition(_("Ce message n'est pas visible : il ne peut pas être marqué."))
    if post.author_id == thread.author_id:
        raise InvalidTransition(_("Votre propre réponse ne se marque pas : choisissez celle de quelqu'un d'autre."))
    if post.helpful:
        raise InvalidTransition(_("Cette réponse est déjà marquée comme celle qui a aidé."))
    if Post.objects.filter(thread=thread, helpful=True).exists():
        raise InvalidTransition(_("Une autre réponse est déjà marquée : retirez d'abord cette marque."))
    post.mark_count += 1
    post.helpful = True
    post.save(update_fields=["mark_count", "helpful"])
    mark = HelpfulMark.objects.create(post=post, number=post.mark_count, marked_by=by)
    Thread.objects.filter(pk=thread.pk).update(has_helpful=True)
    ledger_services.credit_community_answer(post, author=post.author, asker=thread.author, mark=mark)
    audit.log(by, "community.marked_helpful", post, thread=thread.pk, mark=mark.number)
    _notify(post, Notification.Kind.HELPFUL, [post.author_id])
    return mark


@transaction.atomic
def unmark_helpful(post: Post, *, thread: Thread, by: User) -> None:
    """The mark is taken back: the credit is reversed (a reversing transaction). Marking again credits anew."""
    thread = Thread.objects.select_for_update(of=("self",)).get(pk=thread.pk)
    post = Post.objects.select_for_update(of=("self",)).get(pk=post.pk)
    if post.thread_id != thread.pk:
        raise InvalidTransition(_("Cette réponse n'appartient pas à cette discussion."))
    if not permissions.can_mark_helpful(by, thread):
        raise PermissionRefused(_("Seule la personne qui a posé la question retire cette marque."))
    if not post.helpful:
        raise InvalidTransition(_("Cette réponse n'est pas marquée."))
    mark = HelpfulMark.objects.select_for_update().get(post=post, unmarked_at=None)
    mark.unmarked_at, mark.unmarked_by = timezone.now(), by
    mark.save(update_fields=["unmarked_at", "unmarked_by"])
    post.helpful = False
    post.save(update_fields=["helpful"])
    Thread.objects.filter(pk=thread.pk).update(has_helpful=False)
    ledger_services.cancel_community_answer(post, mark=mark, by=by)
    audit.log(by, "community.unmarked_helpful", post, thread=thread.pk, mark=mark.number)


# --- Following and preferences ---------------------------------------------------------------------------


@transaction.atomic
def set_follow(*, by: User, thread: Thread | None = None, category: Category | None = None, on: bool) -> bool:
    if not by.is_authenticated:
        raise PermissionRefused(_("Connectez-vous pour suivre une discussion."))
    target = {"thread": thread} if thread is not None else {"category": category}
    if on:
        Follow.objects.get_or_create(member=by, **target)
    else:
        Follow.objects.filter(member=by, **target).delete()
    return on


def email_preference(member: User) -> str:
    preference = Preference.objects.filter(member=member).first()
    return preference.email if preference else Preference.Email.WEEKLY


@transaction.atomic
def set_email_preference(member: User, email: str, *, by: User) -> Preference:
    if by.pk != member.pk:
        raise PermissionRefused(_("Chacun choisit ses propres e-mails."))
    if email not in Preference.Email.values:
        raise InvalidTransition(_("Choisissez une des fréquences proposées."))
    preference, _created = Preference.objects.update_or_create(member=member, defaults={"email": email})
    return preference


@transaction.atomic
def mark_notifications_read(member: User, *, by: User) -> int:
    if by.pk != member.pk:
        raise PermissionRefused(_("Seules vos notifications vous concernent."))
    return Notification.objects.filter(recipient=member, read_at=None).update(read_at=timezone.now())


# --- Reports and moderation ---------------------------------------------------------------------------


@transaction.atomic
def report(post: Post, *, by: User, reason: str) -> Report:
    if not by.is_authenticated:
        raise PermissionRefused(_("Connectez-vous pour signaler un message."))
    if post.author_id == by.pk:
        raise InvalidTransition(_("Vous ne signalez pas votre propre message : modifiez-le."))
    reason = _clean_reason(reason)
    existing = Report.objects.open().filter(post=post, reporter=by).first()
    if existing is not None:
        raise InvalidTransition(_("Vous avez déjà signalé ce message : la modération va le lire."))
    filed = Report.objects.create(post=post, reporter=by, reason=reason)
    audit.log(by, "community.reported", post, report=filed.pk)
    return filed


def _check_moderator(by: User) -> None:
    if not permissions.is_moderator(by):
        raise PermissionRefused(_("Seule la modération fait cela."))


def _act(kind: str, *, by: User, post: Post, reason: str, thread: Thread | None = None) -> ModerationAction:
    thread = thread or post.thread
    action = ModerationAction.objects.create(
        kind=kind, moderator=by, member_id=post.author_id, thread=thread, post=post, reason=reason
    )
    closed = Report.objects.open().filter(post=post).update(closed_at=timezone.now(), closed_by=by)
    audit.log(by, f"community.{kind}", post, moderation=action.pk, reason=reason, reports_closed=closed)
    if kind != ModerationAction.Kind.DISMISS:
        _notify_moderation(action, post)
    return action


def _notify_moderation(action: ModerationAction, post: Post) -> None:
    """The author is told what was done, and why (a notification per action, e-mailed by their preference)."""
    Notification.objects.create(
        recipient_id=action.member_id, kind=Notification.Kind.MODERATION, thread_id=action.thread_id, action=action
    )
    transaction.on_commit(lambda: send_notifications.enqueue(post.pk, [Notification.Kind.MODERATION]))


def _set_visibility(post: Post, thread: Thread, status: str) -> None:
    """The post's new status, and the counts of its thread and category with it (`counters`)."""
    was_visible = post.status == Post.Status.VISIBLE
    post.status = status
    post.save(update_fields=["status"])
    visible = status == Post.Status.VISIBLE
    if post.is_question:
        if visible and thread.hidden_at is not None:
            thread.hidden_at = None
            thread.save(update_fields=["hidden_at"])
            counters.thread_shown(thread)
        elif not visible and thread.hidden_at is None:
            thread.hidden_at = timezone.now()
            thread.save(update_fields=["hidden_at"])
            counters.thread_hidden(thread)
    elif visible and not was_visible:
        counters.answer_shown(post, thread)
    elif was_visible and not visible:
        counters.answer_hidden(post, thread)


@transaction.atomic
def moderate(post: Post, kind: str, *, by: User, reason: str) -> ModerationAction:
    """Hide, restore, approve a held post, warn its author, or dismiss the reports: always with a reason."""
    _check_moderator(by)
    reason = _clean_reason(reason)
    # the thread first, then the post: the order of every other service (no deadlock between them)
    thread = Thread.objects.select_for_update(of=("self",)).get(pk=post.thread_id)
    post = Post.objects.select_for_update(of=("self",)).get(pk=post.pk)
    post.thread = thread
    Kind = ModerationAction.Kind
    if kind == Kind.HIDE:
        if post.status == Post.Status.HIDDEN:
            raise InvalidTransition(_("Ce message est déjà masqué."))
        if post.helpful:
            raise InvalidTransition(_("Cette réponse est marquée comme utile : la marque doit d'abord être retirée."))
        _set_visibility(post, thread, Post.Status.HIDDEN)
    elif kind in (Kind.RESTORE, Kind.APPROVE):
        if post.status == Post.Status.VISIBLE:
            raise InvalidTransition(_("Ce message est déjà visible."))
        _set_visibility(post, thread, Post.Status.VISIBLE)
    elif kind not in (Kind.WARN, Kind.DISMISS):
        raise InvalidTransition(_("Choisissez une des actions proposées."))
    action = _act(kind, by=by, post=post, reason=reason)
    if kind == Kind.APPROVE:
        _notify_new_post(post)
    return action


@transaction.atomic
def lock_thread(thread: Thread, *, by: User, reason: str, locked: bool = True) -> ModerationAction:
    _check_moderator(by)
    reason = _clean_reason(reason)
    thread = Thread.objects.select_for_update(of=("self",)).get(pk=thread.pk)
    if thread.is_locked == locked:
        raise InvalidTransition(
            _("Cette discussion est déjà fermée.") if locked else _("Cette discussion est déjà ouverte.")
        )
    thread.locked_at = timezone.now() if locked else None
    thread.save(update_fields=["locked_at"])
    question = Post.objects.get(thread=thread, is_question=True)
    kind = ModerationAction.Kind.LOCK if locked else ModerationAction.Kind.UNLOCK
    return _act(kind, by=by, post=question, reason=reason, thread=thread)


@transaction.atomic
def grant_moderator(member: User, *, by: User, reason: str) -> Moderator:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe confie la modération."))
    if not member.is_compagnon:
        raise InvalidTransition(_("La modération se confie à un compagnon."))
    reason = _clean_reason(reason)
    moderator, created = Moderator.objects.get_or_create(member=member, defaults={"granted_by": by, "reason": reason})
    if created:
        audit.log(by, "community.moderator_granted", member, reason=reason)
    return moderator


@transaction.atomic
def revoke_moderator(member: User, *, by: User) -> bool:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe retire la modération."))
    deleted, _rows = Moderator.objects.filter(member=member).delete()
    if deleted:
        audit.log(by, "community.moderator_revoked", member)
    return bool(deleted)


# --- Categories (the team) -------------------------------------------------------------------------------


@transaction.atomic
def save_category(category: Category, *, by: User) -> Category:
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe gère les catégories."))
    created = category.pk is None
    category.save()
    audit.log(by, "community.category_created" if created else "community.category_changed", category)
    return category


@transaction.atomic
def remove_category(category: Category, *, by: User, reason: str) -> str:
    """The team removes a category: deleted when it never had a thread (nothing is lost), archived when it has
    some (their posts are members' contributions, their helpful marks back ledger credits, their addresses are
    linked from elsewhere): no longer listed, closed to new threads and answers, still readable. Returns
    "deleted" or "archived"."""
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe gère les catégories."))
    reason = _clean_reason(reason)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if category.is_archived:
        raise InvalidTransition(_("Cette catégorie est déjà archivée."))
    if not Thread.objects.filter(category=category).exists():
        audit.log(by, "community.category_deleted", category, slug=category.slug, reason=reason)
        category.delete()
        return "deleted"
    category.archived_at = timezone.now()
    category.save(update_fields=["archived_at"])
    audit.log(by, "community.category_archived", category, reason=reason)
    return "archived"


@transaction.atomic
def restore_category(category: Category, *, by: User) -> Category:
    """An archived category is listed and open again."""
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe gère les catégories."))
    category = Category.objects.select_for_update().get(pk=category.pk)
    if not category.is_archived:
        raise InvalidTransition(_("Cette catégorie n'est pas archivée."))
    category.archived_at = None
    category.save(update_fields=["archived_at"])
    audit.log(by, "community.category_restored", category)
    return category


@transaction.atomic
def set_site_categories(site, categories: list, *, by: User) -> None:
    """The categories `site` shows first, in this order (docs/sites.md); the others follow as usual."""
    if not is_team(by):
        raise PermissionRefused(_("Seule l'équipe choisit les catégories mises en avant d'un site."))
    SiteCategoryOrder.objects.filter(site=site).delete()
    SiteCategoryOrder.objects.bulk_create(
        SiteCategoryOrder(site=site, category=category, position=i) for i, category in enumerate(categories)
    )
    audit.log(by, "community.site_categories", site, categories=[c.pk for c in categories])
