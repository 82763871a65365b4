from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def author_name(user) -> str:
    """A post's author as the forum shows it: « ancien membre » once the account is erased."""
    if user is None or user.erased_at:
        return _("ancien membre")
    return user.display_name
