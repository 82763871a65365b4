"""The registry through which outcomes and quality (both layer 7) show each other's reports."""

import pytest
from django.test import RequestFactory

from compagnons.core import reports
from compagnons.core.reports import Section


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(reports, "_sections", [])
    monkeypatch.setattr(reports, "_yearly_rates", {})
    monkeypatch.setattr(reports, "_dossier_files", [])


def test_nothing_registered_means_nothing_to_show(empty_registry):
    assert reports.sections_for([1, 2]) == []
    assert reports.yearly_rate("satisfaction") == {}
    assert reports.dossier_files() == []


def test_sections_come_in_order_once_each_and_none_is_skipped(empty_registry):
    seen = []

    def late(cohort_ids):
        seen.append(cohort_ids)
        return Section("late.html", {"n": len(cohort_ids)})

    def early(cohort_ids):
        return Section("early.html")

    def silent(cohort_ids):
        return None

    reports.register_section(late, order=20)
    reports.register_section(early, order=10)
    reports.register_section(silent, order=15)
    reports.register_section(late, order=20)  # a second ready() (tests, reloads) adds nothing

    assert [s.template for s in reports.sections_for([3, 4])] == ["early.html", "late.html"]
    assert seen == [[3, 4]]


def test_sections_are_rendered_with_their_own_context(empty_registry, settings, tmp_path):
    (tmp_path / "section.html").write_text("<section>{{ title }}: {{ count }}</section>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    reports.register_section(lambda ids: Section("section.html", {"title": "Qualité", "count": len(ids)}))

    html = reports.rendered_sections(RequestFactory().get("/"), [1, 2, 3])

    assert html == ["<section>Qualité: 3</section>"]


def test_a_yearly_rate_is_asked_of_the_app_that_registered_it(empty_registry):
    reports.register_yearly_rate("satisfaction", lambda: {2024: (8, 10)})

    assert reports.yearly_rate("satisfaction") == {2024: (8, 10)}
    assert reports.yearly_rate("insertion") == {}


def test_dossier_files_go_under_their_folder(empty_registry):
    files = lambda: [("a.csv", b"1"), ("b.xlsx", b"2")]  # noqa: E731
    reports.register_dossier_files(files, folder="indicateurs/")
    reports.register_dossier_files(files, folder="indicateurs")  # registered once

    assert reports.dossier_files() == [("indicateurs/a.csv", b"1"), ("indicateurs/b.xlsx", b"2")]


def test_quality_and_outcomes_register_what_the_other_collects():
    from compagnons.outcomes.exports import association_files
    from compagnons.quality.figures import dashboard_section, satisfaction_by_year

    assert any(func is dashboard_section for _, func in reports._sections)
    assert reports._yearly_rates["satisfaction"] is satisfaction_by_year
    assert ("indicateurs", association_files) in reports._dossier_files
