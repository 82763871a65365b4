from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from compagnons.skills import referentiel
from compagnons.skills.models import (
    Alignment,
    Assessment,
    Block,
    Certification,
    Competence,
    Positioning,
    Reflection,
    Trade,
)


class FrozenMixin:
    """A version someone was assessed against is read-only: make a new version instead."""

    def _certification_of(self, obj):
        return obj if isinstance(obj, Certification) else getattr(obj, "certification", None)

    def has_change_permission(self, request, obj=None):
        cert = self._certification_of(obj) if obj else None
        if cert is not None and referentiel.is_frozen(cert):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        cert = self._certification_of(obj) if obj else None
        if cert is not None and (referentiel.is_frozen(cert) or cert.status != Certification.Status.DRAFT):
            return False
        return super().has_delete_permission(request, obj)


class BlockInline(admin.TabularInline):
    model = Block
    extra = 0
    fields = ["position", "code", "label"]
    show_change_link = True


@admin.register(Certification)
class CertificationAdmin(FrozenMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "version", "kind", "status", "activated_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "slug", "code"]
    readonly_fields = ["status", "activated_at", "created_at"]
    inlines = [BlockInline]
    actions = ["make_new_version", "activate"]

    @admin.action(description=_("Créer une nouvelle version (brouillon) à partir de celle-ci"))
    def make_new_version(self, request, queryset):
        for cert in queryset:
            copy = referentiel.new_version(cert, by=request.user)
            self.message_user(request, _("Version %(v)s créée.") % {"v": copy.version}, messages.SUCCESS)

    @admin.action(description=_("Mettre en vigueur"))
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choisissez une seule version."), messages.ERROR)
            return
        referentiel.activate_version(queryset.get(), by=request.user)
        self.message_user(request, _("Version mise en vigueur."), messages.SUCCESS)


class AlignmentInline(admin.TabularInline):
    model = Alignment
    extra = 0


@admin.register(Block)
class BlockAdmin(FrozenMixin, admin.ModelAdmin):
    list_display = ["code", "label", "certification", "position"]
    list_filter = ["certification"]
    search_fields = ["code", "label"]


@admin.register(Competence)
class CompetenceAdmin(FrozenMixin, admin.ModelAdmin):
    list_display = ["code", "label", "kind", "block", "certification"]
    list_filter = ["certification", "kind", "block"]
    search_fields = ["code", "label", "description"]
    list_select_related = ["block", "certification"]
    inlines = [AlignmentInline]


@admin.register(Trade)
class TradeAdmin(admin.ModelAdmin):
    list_display = ["label", "rome_code"]
    search_fields = ["label", "rome_code"]


@admin.register(Positioning)
class PositioningAdmin(admin.ModelAdmin):
    list_display = ["member", "moment", "status", "started_at", "submitted_at", "reviewed_at"]
    list_filter = ["status", "moment"]
    list_select_related = ["member"]
    search_fields = ["member__email", "member__last_name"]
    readonly_fields = ["member", "certification", "started_at", "submitted_at", "reviewed_at", "reviewed_by"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Evidence: read-only. Assessments are recorded through the platform's pages and services."""

    list_display = ["member", "competence", "level", "source", "assessor", "assessed_at"]
    list_filter = ["source", "level"]
    list_select_related = ["member", "competence", "assessor"]
    search_fields = ["member__email", "competence__code"]
    raw_id_fields = ["member", "assessor", "positioning"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    """Private to the member: the admin shows that it exists, never its content."""

    list_display = ["pk", "shared_with_mentor", "updated_at"]
    fields = ["shared_with_mentor", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
