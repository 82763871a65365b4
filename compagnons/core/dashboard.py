"""Dashboard panels: each domain app adds its own section to the member's dashboard (« Mon espace »)
without the dashboard knowing the apps above it.

An app registers a function `panel(request) -> Panel | None` in its AppConfig.ready(); it returns None when it
has nothing to show this person. Each panel must run a bounded number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


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
