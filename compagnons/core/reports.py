"""Reports the apps of one layer show from each other, without importing each other (outcomes and quality are both
layer 7): each app registers what it offers from its AppConfig.ready(), the other collects what is registered.

- a section of the staff dashboard of results (`register_section`): `func(cohort_ids) -> Section | None`, a bounded
  number of queries, rendered where the dashboard lists its sections;
- a rate by year for the public results (`register_yearly_rate`): `func() -> {year: (num, den)}`;
- files for the association's audit dossier (`register_dossier_files`): `func() -> [(name, bytes)]`, put under
  `folder/` in the ZIP.

Nothing registered means nothing to show: the collectors return an empty list or dict.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass
class Section:
    template: str
    context: dict = field(default_factory=dict)


YearlyRate = dict[int, tuple[int, int]]
Files = list[tuple[str, bytes]]

_sections: list[tuple[int, Callable[[list[int]], Section | None]]] = []
_yearly_rates: dict[str, Callable[[], YearlyRate]] = {}
_dossier_files: list[tuple[str, Callable[[], Files]]] = []


def register_section(func: Callable[[list[int]], Section | None], *, order: int = 50) -> None:
    if all(existing is not func for _, existing in _sections):
        _sections.append((order, func))
        _sections.sort(key=lambda item: item[0])


def sections_for(cohort_ids: list[int]) -> list[Section]:
    return [section for _, func in _sections if (section := func(list(cohort_ids))) is not None]


def rendered_sections(request: HttpRequest, cohort_ids: list[int]) -> list[SafeString]:
    """Each registered section rendered with its own context (the page prints them one after the other)."""
    return [render_to_string(s.template, s.context, request=request) for s in sections_for(cohort_ids)]


def register_yearly_rate(name: str, func: Callable[[], YearlyRate]) -> None:
    _yearly_rates[name] = func


def yearly_rate(name: str) -> YearlyRate:
    """{year: (num, den)} from the app that registered `name`; {} when none did."""
    func = _yearly_rates.get(name)
    return func() if func is not None else {}


def register_dossier_files(func: Callable[[], Files], *, folder: str) -> None:
    if all(existing is not func for _, existing in _dossier_files):
        _dossier_files.append((folder.strip("/"), func))


def dossier_files() -> Files:
    """Every registered file for the association's audit dossier, each under its folder."""
    return [(f"{folder}/{name}", data) for folder, func in _dossier_files for name, data in func()]
