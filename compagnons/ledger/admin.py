from django.contrib import admin

from compagnons.core.admin_tools import ReadOnlyAdmin
from compagnons.ledger.models import Account, Movement, Transaction


class MovementInline(admin.TabularInline):
    model = Movement
    extra = 0
    can_delete = False
    readonly_fields = ["account", "minutes", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "owner", "cached_balance"]
    list_filter = ["kind"]
    list_select_related = ["owner"]
    search_fields = ["owner__email"]


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "state", "beneficiary", "created_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["beneficiary"]
    inlines = [MovementInline]


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ["pk", "transaction", "account", "minutes", "created_at"]
