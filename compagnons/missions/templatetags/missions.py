"""The line of facts under a mission's title in a list (missions/_summary.html): written in Python because a search
shows twenty of them at every request, and the same line from template tags (a plural, two dates, a choice's label)
took 130 µs a mission — most of a search's rendering. The same words and translations as before (the message ids
are the template's); the dates formatted once per day and language in each process."""

from functools import lru_cache

from django import template
from django.utils import dateformat, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()


@lru_cache(maxsize=2048)
def _day(day, pattern: str, language: str) -> str:
    return dateformat.format(day, pattern)


def _date(day, pattern: str) -> str:
    return _day(day, pattern, translation.get_language() or "") if day else ""


def _place(value: str) -> str:
    """The place's label (`get_place_display` rebuilds the list of choices at each call: 25 µs)."""
    from compagnons.missions.models import Mission

    try:
        return str(Mission.Place(value).label)
    except ValueError:
        return value


@register.simple_tag
def mission_facts(mission) -> str:
    """« Métier · À distance · 12 heures estimées · du 3 mars au 4 avril 2027 », escaped."""
    hours = mission.estimated_hours
    facts = [
        *([mission.trade.label] if mission.trade_id else []),
        _place(mission.place),
        ngettext("%(h)s heure estimée", "%(h)s heures estimées", hours) % {"h": hours},
        gettext("du %(d)s au %(e)s") % {"d": _date(mission.starts_on, "j F"), "e": _date(mission.deadline, "j F Y")},
    ]
    return mark_safe(" · ".join(map(conditional_escape, facts)))  # noqa: S308 - every fact escaped
