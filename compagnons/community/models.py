"""The community: a forum of mutual help. Categories hold threads; a thread is a title and its posts (the first
post is the question); a post's edits are kept as revisions; the asker marks the answer that helped (a
`HelpfulMark` per marking, which backs its ledger credit); members follow threads and categories and get
notifications; reports feed the moderation queue, and every moderation action is a `ModerationAction` row told
to the author."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

MAX_TITLE = 160
MAX_BODY = 20_000
MAX_REASON = 1_000


class SearchVectorField(models.Field):
    """PostgreSQL's `tsvector` (a text column, always empty, elsewhere): without django.contrib.postgres, which
    would have to be installed for SQLite too."""

    description = "Full-text search vector (PostgreSQL)"

    def db_type(self, connection) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


class CategoryQuerySet(models.QuerySet):
    def for_site(self, site) -> "CategoryQuerySet":
        """The site's chosen categories first (SiteCategoryOrder), then the others: same single query."""
        if site is None or site.pk is None:
            return self
        chosen = SiteCategoryOrder.objects.filter(site=site, category=models.OuterRef("pk")).values("position")[:1]
        return self.annotate(site_position=models.Subquery(chosen)).order_by(
            models.F("site_position").asc(nulls_last=True), "position", "name"
        )

    def visible_to(self, user) -> "CategoryQuerySet":
        """Public categories for everyone; members-only ones for logged-in members."""
        if user.is_authenticated:
            return self
        return self.filter(visibility=Category.Visibility.PUBLIC)

    def listed(self) -> "CategoryQuerySet":
        """The categories the forum lists: not archived (an archived one's threads stay readable at their address)."""
        return self.filter(archived_at=None)


class Category(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Publique : tout le monde lit")
        MEMBERS = "members", _("Réservée aux membres")

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    visibility = models.CharField(_("visibilité"), max_length=8, choices=Visibility, default=Visibility.PUBLIC)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Archived by the team when it had threads (a category without any is deleted): no longer listed, closed to
    # new threads and answers, its threads still readable at their address (helpful marks back ledger credits).
    archived_at = models.DateTimeField(null=True, blank=True)
    # Kept by the services (`counters`), checked by `manage.py community_audit`: the categories page never counts
    # rows. Visible threads, their visible posts (questions and answers), the latest visible post's date.
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:category", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def audit_label(self) -> str:
        return f"Catégorie « {self.name} »"


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ThreadQuerySet":
        threads = self.filter(hidden_at__isnull=True)
        if not user.is_authenticated:
            threads = threads.filter(category__visibility=Category.Visibility.PUBLIC)
        return threads

    def unanswered(self) -> "ThreadQuerySet":
        return self.filter(answer_count=0, hidden_at__isnull=True, locked_at__isnull=True)


class Thread(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="community_threads")
    title = models.CharField(_("titre"), max_length=MAX_TITLE)
    created_at = models.DateTimeField(default=timezone.now)
    # The latest visible post's date (the question's while it has no visible answer), kept by the services.
    last_activity_at = models.DateTimeField(default=timezone.now)
    # Visible answers (the question excluded), kept by the services: the lists never count rows.
    answer_count = models.PositiveIntegerField(default=0)
    has_helpful = models.BooleanField(default=False)
    locked_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        indexes = [
            models.Index(fields=["category", "-last_activity_at", "-id"], name="thread_category_activity_idx"),
            # the latest discussions of the categories page, read from the top without sorting the table
            models.Index(fields=["-last_activity_at", "-id"], name="thread_activity_idx", condition=Q(hidden_at=None)),
            models.Index(
                fields=["-created_at"], name="thread_unanswered_idx", condition=Q(answer_count=0, hidden_at=None)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:thread", args=[self.pk])

    def audit_label(self) -> str:
        return f"Discussion n°{self.pk}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class PostQuerySet(models.QuerySet):
    def shown(self) -> "PostQuerySet":
        return self.filter(status=Post.Status.VISIBLE)


class Post(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HELD = "held", _("En attente de relecture")
        HIDDEN = "hidden", _("Masqué par la modération")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="community_posts")
    is_question = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=MAX_BODY)
    body_html = models.TextField(editable=False)  # rendered and sanitised at write time (core.markdown)
    # The thread's title on its question, empty on answers: what search weighs first (A), the body second (B).
    search_title = models.CharField(max_length=MAX_TITLE, blank=True, editable=False)
    # PostgreSQL only: the weighted French tsvector of search_title (A) and body (B), kept by the services and
    # indexed with GIN (migration 0002); SQLite leaves it empty and searches its FTS5 table instead.
    search_vector = SearchVectorField(null=True, editable=False)
    quoting = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=8, choices=Status, default=Status.VISIBLE)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    helpful = models.BooleanField(default=False)
    # How many times this answer was marked helpful: part of each mark's ledger key, so that re-marking after an
    # unmarking credits anew and a double click never does.
    mark_count = models.PositiveIntegerField(default=0)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="post_thread_order_idx"),
            models.Index(fields=["author", "-created_at"], name="post_author_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["thread"], condition=Q(helpful=True), name="post_one_helpful_per_thread"),
            models.UniqueConstraint(fields=["thread"], condition=Q(is_question=True), name="post_one_question"),
            models.CheckConstraint(condition=~Q(helpful=True, is_question=True), name="post_question_not_helpful"),
        ]

    def __str__(self) -> str:
        return f"Message n°{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("community:post", args=[self.pk])

    @property
    def html(self) -> SafeString:
        """The body as HTML, sanitised when it was written (`core.markdown.render_markdown`)."""
        return mark_safe(self.body_html)  # noqa: S308 - nh3 cleaned it before it was stored

    def audit_label(self) -> str:
        return str(self)


class Revision(models.Model):
    """The text a post had before an edit: edits are kept, never lost."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=MAX_TITLE, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Version n°{self.pk} du message n°{self.post_id}"


class HelpfulMark(models.Model):
    """One marking of « cette réponse m'a aidé »: the evidence of the author's ledger credit. Unmarking closes it
    (and reverses the credit); marking again opens a new one."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="marks")
    number = models.PositiveIntegerField()
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)
    unmarked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmarked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="helpfulmark_unique_number"),
            models.UniqueConstraint(fields=["post"], condition=Q(unmarked_at=None), name="helpfulmark_one_open"),
        ]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"Aide reconnue n°{self.pk}"


class Follow(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_follows")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=False, category=None) | Q(thread=None, category__isnull=False),
                name="follow_thread_or_category",
            ),
            models.UniqueConstraint(fields=["member", "thread"], name="follow_unique_thread"),
            models.UniqueConstraint(fields=["member", "category"], name="follow_unique_category"),
        ]

    def __str__(self) -> str:
        return f"Suivi n°{self.pk}"


class Preference(models.Model):
    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("Tout de suite, un e-mail par notification")
        WEEKLY = "weekly", _("Un récapitulatif par semaine")
        NONE = "none", _("Pas d'e-mail, seulement dans « Mon espace »")

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.CharField(_("e-mails de l'entraide"), max_length=10, choices=Email, default=Email.WEEKLY)

    def __str__(self) -> str:
        return f"Préférences du membre n°{self.member_id}"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at=None)


class Notification(models.Model):
    class Kind(models.TextChoices):
        ANSWER = "answer", _("Nouvelle réponse")
        THREAD = "thread", _("Nouvelle discussion")
        MENTION = "mention", _("Vous êtes mentionné·e")
        HELPFUL = "helpful", _("Votre réponse a aidé")
        MODERATION = "moderation", _("Modération")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    action = models.ForeignKey(
        "ModerationAction", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "post"], condition=Q(post__isnull=False), name="notification_once_per_post"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            models.Index(fields=["emailed_at"], name="notification_to_email_idx", condition=Q(emailed_at=None)),
        ]

    def __str__(self) -> str:
        return f"Notification n°{self.pk}"


class Moderator(models.Model):
    """A compagnon granted moderation by the team (the team moderates without it)."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("motif"), max_length=300)

    def __str__(self) -> str:
        return f"Modérateur : membre n°{self.member_id}"


class ReportQuerySet(models.QuerySet):
    def open(self) -> "ReportQuerySet":
        return self.filter(closed_at=None)


class Report(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("motif"), max_length=MAX_REASON)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"], condition=Q(closed_at=None), name="report_one_open_per_reporter"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="report_open_idx", condition=Q(closed_at=None))]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"Signalement n°{self.pk}"


class ModerationAction(models.Model):
    class Kind(models.TextChoices):
        HIDE = "hide", _("Message masqué")
        RESTORE = "restore", _("Message rétabli")
        APPROVE = "approve", _("Message publié après relecture")
        LOCK = "lock", _("Discussion fermée")
        UNLOCK = "unlock", _("Discussion rouverte")
        WARN = "warn", _("Avertissement")
        DISMISS = "dismiss", _("Signalement classé sans suite")

    kind = models.CharField(max_length=8, choices=Kind)
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.TextField(_("motif"), max_length=MAX_REASON)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        return f"Action de modération n°{self.pk}"


class SiteCategoryOrder(models.Model):
    """Which community categories a site shows first (docs/sites.md): a site's list puts its ordered categories
    first, by `position`, then the others in their usual order. Kept here, keyed by core's site."""

    site = models.ForeignKey("core.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("catégorie"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("catégorie mise en avant par un site")
        verbose_name_plural = _("catégories mises en avant par les sites")
        ordering = ["site", "position"]
        constraints = [models.UniqueConstraint(fields=["site", "category"], name="site_category_order_unique")]

    def __str__(self) -> str:
        return f"{self.site_id} : {self.category_id}"
