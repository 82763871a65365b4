from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from compagnons.accounts import services
from compagnons.accounts.models import CharterAcceptance, CharterVersion, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ["role", "granted_at", "granted_by", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Roles are granted through services (audit-logged): the "Reconnaissances" page, or the actions below.
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "first_name", "last_name", "region", "date_joined", "is_active", "erased_at"]
    list_filter = ["role_grants__role", "region", "availability", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name", "trade"]
    inlines = [RoleGrantInline]
    # Staff rights follow the staff role (granted through services, audit-logged), never a raw checkbox.
    readonly_fields = [
        "date_joined",
        "last_login",
        "erased_at",
        "transmit_requested_at",
        "is_staff",
        "is_superuser",
    ]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profil"), {"fields": ["first_name", "last_name", "trade", "region", "languages", "availability"]}),
        (_("Notifications"), {"fields": ["notify_by_email", "digest"]}),
        (
            _("État"),
            {"fields": ["is_active", "is_staff", "is_superuser", "date_joined", "last_login", "erased_at"]},
        ),
        (_("Demande de transmission"), {"fields": ["transmit_requested_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["grant_apprentice", "grant_client", "grant_staff"]

    def _grant(self, request, queryset, role):
        for user in queryset:
            services.grant_role(user, role, by=request.user)
        self.message_user(request, _("Rôle attribué."), messages.SUCCESS)

    @admin.action(description=_("Attribuer le rôle apprenti·e"))
    def grant_apprentice(self, request, queryset):
        self._grant(request, queryset, "apprentice")

    @admin.action(description=_("Attribuer le rôle donneur d'ordre"))
    def grant_client(self, request, queryset):
        self._grant(request, queryset, "client")

    @admin.action(description=_("Attribuer le rôle formateur·rice / coordinateur·rice"))
    def grant_staff(self, request, queryset):
        self._grant(request, queryset, "staff")


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "granted_at", "granted_by"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user", "granted_by"]
    readonly_fields = ["user", "role", "granted_at", "granted_by", "reason"]

    def has_add_permission(self, request):
        return False


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "published_at", "created_at"]
    readonly_fields = ["published_at"]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        # A published version is never rewritten: acceptances point at its exact text.
        if obj and obj.published_at:
            return ["version", "title", "body", "changes", "published_at", "created_at"]
        return self.readonly_fields

    @admin.action(description=_("Publier (chacun devra l'accepter)"))
    def publish(self, request, queryset):
        for charter in queryset.order_by("version"):
            try:
                services.publish_charter(charter, by=request.user)
            except (ValueError, PermissionError) as error:
                self.message_user(request, str(error), messages.ERROR)
                return
        self.message_user(request, _("Version publiée."), messages.SUCCESS)


@admin.register(CharterAcceptance)
class CharterAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "charter", "accepted_at"]
    list_filter = ["charter"]
    list_select_related = ["user", "charter"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "charter", "accepted_at"]

    def has_add_permission(self, request):
        return False
