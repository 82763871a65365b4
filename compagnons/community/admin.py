from django.contrib import admin

from compagnons.community.models import Category, SiteCategoryOrder


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "visibility", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SiteCategoryOrder)
class SiteCategoryOrderAdmin(admin.ModelAdmin):
    """Staff choose here which categories each site shows first (docs/sites.md)."""

    list_display = ["site", "category", "position"]
    list_filter = ["site"]
