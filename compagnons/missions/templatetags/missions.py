"""A mission in a list — its title linked to its page, the line of its facts, and on the recommendations why it is
proposed — written in Python because a search shows twenty of them at every request. From template tags, the line
of facts alone (a plural, two dates, a choice's label) took 130 µs a mission; then the rest of the summary, included
twenty times (a template, a reverse of the mission's address, a context each), was still two thirds of a search's
rendering (issue 21). The same markup and translations as the template had (its message ids); the dates formatted
once per day and language in each process; the missions' address reversed once per list. A plain text (a title,
a métier's label, an address) is escaped by `html.escape`, what Django's `escape` calls: `conditional_escape`'s
wrappers (a lazy-text check, a SafeString per value) were a third of the summaries' time."""

import html
from functools import lru_cache

from django import template
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from compagnons.missions.search import Summary

register = template.Library()


@lru_cache(maxsize=2048)
def _day(day, pattern: str, language: str) -> str:
    return dateformat.format(day, pattern)


def _date(day, pattern: str, language: str) -> str:
    return _day(day, pattern, language) if day else ""


@lru_cache(maxsize=64)
def _place(value: str, language: str) -> str:
    """The place's label (`get_place_display` rebuilds the list of choices at each call: 25 µs), escaped."""
    from compagnons.missions.models import Mission

    try:
        return conditional_escape(str(Mission.Place(value).label))
    except ValueError:
        return conditional_escape(value)


@lru_cache(maxsize=1024)
def _hours(hours, language: str) -> str:
    return conditional_escape(ngettext("%(h)s heure estimée", "%(h)s heures estimées", hours) % {"h": hours})


@lru_cache(maxsize=8)
def _from_to(language: str) -> str:
    return gettext("du %(d)s au %(e)s")


def _text(value) -> str:
    """`conditional_escape(value)`'s characters: a plain str escaped by html.escape, as Django's `escape` does;
    anything else (a safe or lazy text, a number) through `conditional_escape`."""
    return html.escape(value) if type(value) is str else conditional_escape(value)


def _facts(trade_label, place: str, hours, starts_on, deadline) -> str:
    language = translation.get_language() or ""
    dates = _from_to(language) % {"d": _date(starts_on, "j F", language), "e": _date(deadline, "j F Y", language)}
    facts = [
        *([_text(trade_label)] if trade_label is not None else []),
        _place(place, language),
        _hours(hours, language),
        _text(dates),
    ]
    return " · ".join(facts)


@register.simple_tag
def mission_facts(mission) -> str:
    """« Métier · À distance · 12 heures estimées · du 3 mars au 4 avril 2027 », escaped, of a mission or of a
    search's `Summary`. Each translated part is kept per language in the process (a gettext, a plural and a choice's
    label were 60 % of the line)."""
    return mark_safe(_facts(*_fact_parts(mission)))  # noqa: S308 - every fact escaped


def _fact_parts(mission) -> tuple:
    if type(mission) is Summary:
        return mission.trade_label, mission.place, mission.estimated_hours, mission.starts_on, mission.deadline
    trade_label = mission.trade.label if mission.trade_id else None
    return trade_label, mission.place, mission.estimated_hours, mission.starts_on, mission.deadline


URL_MARKER = 987654321987654321  # a mission id no address holds otherwise


def _detail_urls():
    """pk -> the address of a mission's page, from one reverse for a whole list."""
    head, tail = reverse("missions:detail", args=[URL_MARKER]).split(str(URL_MARKER))
    return lambda pk: f"{head}{pk}{tail}"


def _summary(mission, url: str, reasons=()) -> str:
    out = (
        f'<article>\n<h2><a href="{_text(url)}">{_text(mission.title)}</a></h2>\n'
        f"<p>{_facts(*_fact_parts(mission))}</p>\n"
    )
    if reasons:
        out += (
            f"<p><strong>{conditional_escape(gettext('Pourquoi elle vous est proposée :'))}</strong></p>\n"
            f"<ul>{format_html_join('', '<li>{}</li>', ((reason,) for reason in reasons))}</ul>\n"
        )
    return out + "</article>\n"


@register.simple_tag
def mission_summaries(missions) -> str:
    """Each mission of a list (instances, or a search's `Summary` values) as an <article>: its title linked to its
    page, and its facts. Escaped."""
    url = _detail_urls()
    return mark_safe("".join(_summary(mission, url(mission.pk)) for mission in missions))  # noqa: S308 - escaped


@register.simple_tag
def mission_summary(mission, reasons=()) -> str:
    """One mission as `mission_summaries` writes it, with why it is proposed (the recommendations). Escaped."""
    return mark_safe(_summary(mission, _detail_urls()(mission.pk), reasons))  # noqa: S308 - every part escaped
