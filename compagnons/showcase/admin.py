from django.contrib import admin

from compagnons.core.admin_tools import ReadOnlyAdmin
from compagnons.showcase.models import Pitch, Profile


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ["slug", "member", "published", "updated_at"]
    list_filter = ["published", "theme"]
    search_fields = ["slug", "member__email"]


@admin.register(Pitch)
class PitchAdmin(ReadOnlyAdmin):
    list_display = ["member", "version", "status", "created_at"]
    list_filter = ["status"]
