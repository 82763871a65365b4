"""The scenario file importer: every validation rule, the whole list of errors, one transaction, versions."""

import json
import re
from pathlib import Path

import pytest
import yaml

from compagnons.learning import scenario_files
from compagnons.learning.models import Choice, Node, Scenario, ScenarioVersion
from compagnons.learning.scenario_files import InvalidScenarioFile
from tests.factories.learning import import_scenario, scenario_text

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "learning.md"
SHIPPED = Path(__file__).resolve().parents[2] / "compagnons" / "learning" / "content" / "scenarios"


def errors_of(data: dict) -> list[str]:
    return scenario_files.validate(data)


def base() -> dict:
    return yaml.safe_load(scenario_text())


def test_a_sound_file_imports_with_its_nodes_choices_and_competences():
    scenario = import_scenario()
    version = scenario.current
    assert version.number == 1
    assert scenario.status == "published"
    assert version.start.key == "appel"
    assert Node.objects.filter(version=version).count() == 5
    assert Choice.objects.filter(node__version=version).count() == 5
    first = Choice.objects.get(node__version=version, node__key="date")
    assert sorted(c.code for c in first.competences.all()) == ["C1.6", "C2.1"]
    assert sorted(c.code for c in scenario.competences.all()) == ["C1.6", "C2.1"]
    ending = Node.objects.get(version=version, key="perdu")
    assert ending.is_ending and ending.ending_title == "Un client perdu"


def test_json_is_accepted_too():
    scenario = import_scenario(scenario_text("scenario_relance.json"))
    assert scenario.slug == "relance-json"
    assert scenario.current.nodes.count() == 2


def test_a_bad_file_gets_the_whole_list_of_errors_naming_the_nodes():
    with pytest.raises(InvalidScenarioFile) as caught:
        import_scenario(scenario_text("scenario_bad.yaml"))
    errors = caught.value.errors
    text = "\n".join(errors)
    assert "« recruteur » ne fait pas partie des personnages" in text
    assert "l'étape « nulle-part » n'existe pas" in text
    assert "Z9.9" in text
    assert "« impasse » : une impasse" in text
    assert "« fin-avec-choix » : une fin n'a pas de choix" in text
    assert "impossibles à atteindre" in text and "« impasse »" in text
    assert "Boucle sans issue" in text and "« boucle-a »" in text and "« boucle-b »" in text
    assert len(errors) >= 7
    assert not Scenario.objects.exists()


def test_every_node_must_be_reachable_from_the_start():
    data = base()
    data["nodes"]["orpheline"] = {"ending": {"title": "Jamais vue", "debrief": ""}}
    assert any("impossibles à atteindre" in e and "« orpheline »" in e for e in errors_of(data))


def test_a_dead_end_that_is_not_an_ending_is_refused():
    data = base()
    data["nodes"]["date"]["choices"] = []
    assert any("« date » : une impasse" in e for e in errors_of(data))


def test_an_ending_has_no_choices():
    data = base()
    data["nodes"]["perdu"]["choices"] = [{"label": "Rejouer", "to": "appel"}]
    assert any("« perdu » : une fin n'a pas de choix" in e for e in errors_of(data))


def test_at_least_one_ending():
    data = base()
    data["nodes"] = {"appel": {"text": "Allô", "choices": [{"label": "Encore", "to": "appel"}]}}
    assert any("aucune fin" in e for e in errors_of(data))


def test_a_choice_to_a_missing_node_is_refused():
    data = base()
    data["nodes"]["appel"]["choices"][0]["to"] = "ailleurs"
    assert any("« appel », choix 1 : l'étape « ailleurs » n'existe pas" in e for e in errors_of(data))


def test_a_cycle_without_an_exit_is_refused_but_a_cycle_with_one_is_fine():
    data = base()
    # tension ↔ date with an exit (date → rendez-vous): sound.
    data["nodes"]["date"]["choices"].append({"label": "Revenir", "to": "tension"})
    assert errors_of(data) == []
    data["nodes"]["date"]["choices"] = [{"label": "Revenir", "to": "tension"}]
    data["nodes"]["tension"]["choices"] = [{"label": "Retour", "to": "date"}]
    errors = errors_of(data)
    assert any("Boucle sans issue" in e and "« date »" in e and "« tension »" in e for e in errors)


def test_cast_keys_must_exist():
    data = base()
    data["nodes"]["appel"]["speaker"] = "cliente"
    assert any("« cliente » ne fait pas partie des personnages" in e for e in errors_of(data))


def test_competence_codes_must_exist_in_the_current_referentiel():
    data = base()
    data["nodes"]["appel"]["choices"][0]["competences"] = ["C1.6", "C99.1"]
    errors = errors_of(data)
    assert any("C99.1" in e and "« appel », choix 1" in e for e in errors)
    assert not any("C1.6" in e for e in errors)


def test_the_start_must_exist_and_the_format_be_named():
    data = base()
    data["start"] = "nulle-part"
    data["format"] = "autre/2"
    errors = errors_of(data)
    assert any("« nulle-part » n'existe pas" in e for e in errors)
    assert any("format" in e for e in errors)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "- une\n- liste\n", "clé: [non fermée\n", '{"format": ', "format: x\n  mal: indenté\n : :"],
)
def test_unreadable_text_gets_a_french_message(text):
    with pytest.raises(InvalidScenarioFile) as caught:
        scenario_files.check(text)
    assert caught.value.errors and all(isinstance(e, str) and e for e in caught.value.errors)


def test_yaml_tags_are_never_executed():
    with pytest.raises(InvalidScenarioFile):
        scenario_files.parse("!!python/object/apply:os.system ['true']\n")


def test_nothing_is_half_imported_when_an_error_comes_late(monkeypatch):
    """The nodes are written, then the choices fail: the scenario, its version and its nodes are gone too."""

    def boom(data, nodes):
        assert Node.objects.count() == 5  # written in this transaction
        raise RuntimeError("late failure")

    monkeypatch.setattr(scenario_files, "_write_choices", boom)
    with pytest.raises(RuntimeError):
        import_scenario()
    assert not Scenario.objects.exists()
    assert not ScenarioVersion.objects.exists()
    assert not Node.objects.exists()


def test_a_late_failure_on_a_new_version_keeps_the_old_one(monkeypatch):
    scenario = import_scenario()
    changed = scenario_text().replace("Relancer un devis", "Relancer un devis oublié")
    monkeypatch.setattr(scenario_files, "_write_choices", lambda data, nodes: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        import_scenario(changed)
    scenario.refresh_from_db()
    assert scenario.current.number == 1 and scenario.title == "Relancer un devis resté sans réponse"
    assert ScenarioVersion.objects.count() == 1


def test_an_unchanged_file_makes_nothing_and_a_changed_one_a_new_version():
    scenario = import_scenario()
    first = scenario.current_id
    # The same content, reformatted (JSON of the same structure): still nothing new.
    same = json.dumps(yaml.safe_load(scenario_text()), ensure_ascii=False)
    assert import_scenario(same).current_id == first
    assert import_scenario().current_id == first
    assert ScenarioVersion.objects.count() == 1
    changed = scenario_text().replace("Jeudi matin", "Vendredi matin")
    again = import_scenario(changed)
    assert again.pk == scenario.pk
    assert again.current.number == 2 and again.current_id != first
    assert Node.objects.filter(version_id=first).count() == 5  # the old version is kept for its runs


def test_export_round_trips_through_the_validator():
    scenario = import_scenario()
    exported = scenario_files.export_yaml(scenario.current)
    assert scenario_files.validate(yaml.safe_load(exported)) == []
    assert scenario_files.to_data(scenario.current) == scenario_files.to_data(import_scenario(exported).current)
    assert ScenarioVersion.objects.count() == 1  # exporting then importing changes nothing of the content


def test_the_example_of_the_docs_passes_the_validator():
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- scenario-example -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, "docs/learning.md must hold the complete example after <!-- scenario-example -->"
    assert scenario_files.validate(scenario_files.parse(match.group(1))) == []
    assert import_scenario(match.group(1)).current.nodes.filter(is_ending=True).exists()


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="the shipped scenarios are not in this tree")
def test_every_shipped_scenario_imports():
    assert len(list(SHIPPED.glob("*.yaml"))) >= 4
    for path in sorted(SHIPPED.glob("*.yaml")):
        scenario = scenario_files.import_file(path.read_text(encoding="utf-8"), by=None)
        assert scenario.current.nodes.filter(is_ending=True).count() >= 3, path.name
        assert scenario.current.nodes.count() >= 10, path.name


@pytest.mark.skipif(not SHIPPED.is_dir(), reason="the shipped scenarios are not in this tree")
def test_the_loader_tells_created_changed_and_unchanged_scenarios(tmp_path):
    from compagnons.learning import content_loader

    first = content_loader.load_scenarios()
    assert len(first.created) >= 4 and not first.updated and not first.errors
    again = content_loader.load_scenarios()
    assert sorted(again.unchanged) == sorted(first.created) and not again.created and not again.updated
    (tmp_path / "relance.yaml").write_text(scenario_text(), encoding="utf-8")
    (tmp_path / "mauvais.yaml").write_text(scenario_text("scenario_bad.yaml"), encoding="utf-8")
    content_loader.load_scenarios(folder=tmp_path)
    (tmp_path / "relance.yaml").write_text(scenario_text().replace("Jeudi matin", "Vendredi matin"), encoding="utf-8")
    report = content_loader.load_scenarios(folder=tmp_path)
    assert report.updated == ["relancer-un-devis"] and list(report.errors) == ["scenarios/mauvais.yaml"]
    assert any("nulle-part" in error for error in report.errors["scenarios/mauvais.yaml"])
