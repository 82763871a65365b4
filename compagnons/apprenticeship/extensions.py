"""Sections that higher apps add to the individual plan and to the carnet de route, without apprenticeship knowing
them (learning shows its recommended capsules on the plan and the self-study time of finished capsules in the carnet).

An app registers `func(apprentice, viewer) -> Section | None` from its AppConfig.ready(); None when it has nothing to
show. Each function runs a bounded number of queries. A section only shows things: nothing registered here may
validate a compétence (validation stays with the compagnon and the jury).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Section:
    template: str
    context: dict = field(default_factory=dict)


_plan: list[tuple[int, Callable]] = []
_carnet: list[tuple[int, Callable]] = []


def _register(registry: list, func: Callable, order: int) -> None:
    if all(existing is not func for _, existing in registry):
        registry.append((order, func))
        registry.sort(key=lambda item: item[0])


def register_plan_section(func: Callable, *, order: int = 50) -> None:
    _register(_plan, func, order)


def register_carnet_section(func: Callable, *, order: int = 50) -> None:
    _register(_carnet, func, order)


def plan_sections(apprentice, viewer) -> list[Section]:
    return [section for _, func in _plan if (section := func(apprentice, viewer)) is not None]


def carnet_sections(apprentice, viewer) -> list[Section]:
    return [section for _, func in _carnet if (section := func(apprentice, viewer)) is not None]
