"""Dashboard panels: each domain app adds its own section to the member's dashboard (« Mon espace »)
without the dashboard knowing the apps above it.

An app registers a function `panel(request) -> Panel | None` in its AppConfig.ready(); it returns None when it
has nothing to show this person. Each panel must run a bounded number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from compagnons.core import fragments


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)


_panels: list[tuple[int, Callable]] = []


def register_panel(func: Callable, *, order: int = 50) -> None:
    if all(existing is not func for _, existing in _panels):
        _panels.append((order, func))
        _panels.sort(key=lambda item: item[0])


def panels_for(request) -> list[Panel]:
    return [panel for _, func in _panels if (panel := func(request)) is not None]


def _render(func: Callable, request) -> Callable[[], str]:
    def render() -> str:
        panel = func(request)
        if panel is None:
            return ""
        html = render_to_string(panel.template, {"panel": panel.context}, request=request)
        return fragments.with_placeholders(html, request)  # a panel's form: this request's token when served

    return render


def rendered_panels(request) -> list[str]:
    """The HTML of each panel for this member, in order. Each panel is cached for this member alone, under the
    versions of the tables it read (core.fragments): a write to any of them, by anyone, and the panel is computed
    again. A panel's template sees `panel` (its context) and the context processors' variables (`user`…)."""
    items = [(f"panel:{func.__module__}.{func.__qualname__}", _render(func, request)) for _, func in _panels]
    panels = fragments.cached(items, member_id=request.user.pk, storable=fragments.storable_with_placeholders)
    return [mark_safe(fragments.filled(html, request)) for html in panels if html.strip()]  # noqa: S308
