from django.contrib import admin

from compagnons.community.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "visibility", "position"]
    prepopulated_fields = {"slug": ["name"]}
