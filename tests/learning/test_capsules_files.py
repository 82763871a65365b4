"""Capsule files: the checker's every rule (with the whole list of French errors), YAML and JSON, one transaction,
versions on change only, export back to a file, the shipped content's loader."""

import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from compagnons.core.exceptions import PermissionRefused
from compagnons.learning import capsule_files, content_loader, services
from compagnons.learning.models import Capsule, Option, Question, Status
from tests.factories.learning import capsule_data

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.django_db


def errors_of(data) -> list[str]:
    return capsule_files.validate(data, competence_codes=capsule_files.current_codes())[1]


def test_a_valid_file_in_yaml_and_in_json(formateur):
    capsule, changed = services.import_capsule_file((DATA / "capsule-valid.yaml").read_text(), by=formateur)
    assert changed and capsule.status == Status.DRAFT and capsule.version == 1
    assert capsule.questions.count() == 3 and capsule.questions.get(position=3).multiple
    assert [c.code for c in capsule.competences.all()] == ["C1.2"]
    as_json, changed = services.import_capsule_file(
        (DATA / "capsule-valid.json").read_text(), by=formateur, filename="capsule-valid.json"
    )
    assert changed and as_json.slug == "relancer-en-json"


def test_a_bad_file_gets_the_whole_list_of_errors_and_nothing_is_written(formateur):
    with pytest.raises(capsule_files.CapsuleFileError) as caught:
        services.import_capsule_file((DATA / "capsule-invalid.yaml").read_text(), by=formateur)
    text = "\n".join(caught.value.errors)
    for expected in (
        "Clé inconnue : « colour »",
        "« Mauvais Slug »",
        "titre",
        "de 1 à 5",
        "« Z9.9 »",
        "transcription",
        "il en faut de 3 à 5",
        "réponse A : l'explication (« feedback ») manque",
        "exactement une bonne réponse (ici 2)",
    ):
        assert expected in text, expected
    assert not Capsule.objects.exists() and not Question.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"minutes": 6}, "de 1 à 5"),
        ({"minutes": 0}, "de 1 à 5"),
        ({"minutes": "3"}, "de 1 à 5"),
        ({"format": "autre/1"}, "format"),
        ({"body": " "}, "body"),
        ({"questions": None}, "questions"),
        ({"image": "x.png"}, "image_alt"),
        ({"audio": "x.mp3"}, "transcript"),
        ({"competences": "C1.2"}, "liste de codes"),
    ],
)
def test_each_rule_of_the_checker(change, message):
    data = capsule_data()
    data.update(change)
    assert any(message in error for error in errors_of(data)), errors_of(data)


def test_three_to_five_questions_two_to_five_options():
    assert errors_of(capsule_data(questions=3)) == []
    assert errors_of(capsule_data(questions=5)) == []
    assert any("compte 2 questions" in e for e in errors_of(capsule_data(questions=2)))
    assert any("compte 6 questions" in e for e in errors_of(capsule_data(questions=6)))
    data = capsule_data()
    data["questions"][0]["options"] = data["questions"][0]["options"][:1]
    assert any("de 2 à 5 réponses" in e for e in errors_of(data))
    data = capsule_data()
    data["questions"][1]["multiple"] = True
    for option in data["questions"][1]["options"]:
        option["correct"] = False
    assert any("au moins une bonne réponse" in e for e in errors_of(data))


def test_every_answer_needs_its_feedback():
    data = capsule_data()
    data["questions"][2]["options"][1]["feedback"] = ""
    assert errors_of(data) == [
        "Question 3, réponse B : l'explication (« feedback ») manque — dites pourquoi cette réponse est juste ou non."
    ]


def test_unreadable_files_say_so_in_french():
    for text, name, expected in (
        ("", "a.yaml", "vide"),
        ("title: [oops", "a.yaml", "YAML est illisible"),
        ('{"title": ', "a.json", "JSON est illisible"),
        ("- une liste", "a.yaml", "doit décrire une capsule"),
    ):
        with pytest.raises(capsule_files.CapsuleFileError) as caught:
            capsule_files.parse(text, filename=name)
        assert expected in caught.value.errors[0]


def test_an_unchanged_file_changes_nothing_a_changed_one_makes_the_next_version(formateur):
    text = (DATA / "capsule-valid.yaml").read_text()
    capsule, _ = services.import_capsule_file(text, by=formateur)
    options = list(Option.objects.values_list("pk", flat=True))
    again, changed = services.import_capsule_file(text, by=formateur)
    assert not changed and again.version == 1
    assert list(Option.objects.values_list("pk", flat=True)) == options  # not even rewritten
    data = yaml.safe_load(text)
    data["questions"][0]["options"][0]["feedback"] = "Une meilleure explication."
    edited, changed = services.import_capsule_file(json.dumps(data), by=formateur, filename="x.json")
    assert changed and edited.version == 2
    assert Question.objects.filter(capsule=capsule).count() == 3


def test_nothing_is_half_imported_when_the_options_fail_late(formateur, monkeypatch):
    """The capsule and its first question are written, then the options fail: a new capsule is gone, an edited one
    keeps its version, its text and its questions."""
    text = (DATA / "capsule-valid.yaml").read_text()
    real = Option.objects.bulk_create

    def boom(objs, *args, **kwargs):
        assert Question.objects.exists()  # written in this transaction
        raise RuntimeError("late failure")

    monkeypatch.setattr(Option.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        services.import_capsule_file(text, by=formateur)
    assert not Capsule.objects.exists() and not Question.objects.exists()
    monkeypatch.setattr(Option.objects, "bulk_create", real)
    capsule, _ = services.import_capsule_file(text, by=formateur)
    questions = list(Question.objects.values_list("pk", "text"))
    monkeypatch.setattr(Option.objects, "bulk_create", boom)
    data = yaml.safe_load(text)
    data["title"] = "Un autre titre"
    with pytest.raises(RuntimeError):
        services.import_capsule_file(json.dumps(data), by=formateur, filename="x.json")
    capsule.refresh_from_db()
    assert capsule.version == 1 and capsule.title != "Un autre titre"
    assert list(Question.objects.values_list("pk", "text")) == questions
    assert Option.objects.filter(question__capsule=capsule).count() > 0


def test_a_member_cannot_import(apprenti):
    with pytest.raises(PermissionRefused):
        services.import_capsule_file((DATA / "capsule-valid.yaml").read_text(), by=apprenti)


def test_export_then_import_is_the_same_capsule(formateur):
    capsule, _ = services.import_capsule_file((DATA / "capsule-valid.yaml").read_text(), by=formateur)
    exported = capsule_files.export_yaml(capsule)
    assert exported.startswith("format: compagnons.capsule/1")
    assert "body: |" in exported
    assert (
        capsule_files.read(exported)["questions"]
        == capsule_files.read((DATA / "capsule-valid.yaml").read_text())["questions"]
    )
    _, changed = services.import_capsule_file(exported, by=formateur)
    assert not changed


def test_the_loader_is_idempotent_and_reports_bad_files(tmp_path):
    (tmp_path / "bonne.yaml").write_text((DATA / "capsule-valid.yaml").read_text())
    (tmp_path / "mauvaise.yaml").write_text((DATA / "capsule-invalid.yaml").read_text())
    report = content_loader.load_capsules(folder=tmp_path)
    assert report.created == ["relancer-sans-harceler"] and list(report.errors) == ["capsules/mauvaise.yaml"]
    assert Capsule.objects.get().status == Status.PUBLISHED
    again = content_loader.load_capsules(folder=tmp_path)
    assert again.unchanged == ["relancer-sans-harceler"] and Capsule.objects.get().version == 1


@pytest.mark.skipif(not (content_loader.CONTENT / "capsules").is_dir(), reason="no shipped capsules in this tree")
def test_every_shipped_capsule_imports(capsys):
    call_command("load_learning_content")
    assert Capsule.objects.published().count() >= 8
    call_command("load_learning_content")
    assert "inchangées" in capsys.readouterr().out
    assert set(Capsule.objects.values_list("version", flat=True)) == {1}


def test_the_example_of_the_docs_imports(formateur):
    import re

    text = (Path(__file__).resolve().parents[2] / "docs" / "learning.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- capsule-example -->\s*```yaml\n(.*?)```", text, re.S)
    assert match, "docs/learning.md must hold the complete example after <!-- capsule-example -->"
    capsule, changed = services.import_capsule_file(match.group(1), by=formateur)
    assert changed and capsule.questions.count() >= 3
    assert all(option.feedback for question in capsule.questions.all() for option in question.options.all())
