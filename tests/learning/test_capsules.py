"""Capsules: the services' rules (quiz, progress, versions, authoring) and the reads (recommendations, self-study)."""

import uuid

import pytest
from django.test import override_settings

from compagnons.apprenticeship import services as path_services
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.learning import capsule_files, capsules, services
from compagnons.learning.models import Attempt, Capsule, Progress, Status
from compagnons.skills import services as skills_services
from compagnons.skills.models import Assessment
from tests.factories.learning import capsule_data, finish_capsule, make_capsule, right_answers, wrong_answers


def reviewed_positioning(member, formateur, levels: dict[str, int], default: int = 2):
    """The member's bilan, self-assessed then reviewed by the formateur with `levels` by code (others `default`)."""
    positioning = skills_services.start_positioning(member, by=member)
    competences = list(positioning.certification.competences.all())
    skills_services.save_self_assessment(positioning, {c.pk: (3, "") for c in competences}, by=member)
    skills_services.submit_positioning(positioning, by=member)
    answers = {c.pk: (levels.get(c.code, default), "") for c in competences}
    return skills_services.review_positioning(positioning, answers, by=formateur, source="staff")


# --- The quiz -----------------------------------------------------------------------------------


def test_passing_the_quiz_after_reading_finishes_the_capsule(apprenti):
    capsule = make_capsule()
    services.mark_read(capsule, by=apprenti)
    attempt = services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=right_answers(capsule))
    progress = Progress.objects.get(member=apprenti, capsule=capsule)
    assert attempt.score == 100 and attempt.passed
    assert progress.attempts == 1 and progress.best_score == 100
    assert progress.passed_at and progress.finished_at


def test_passing_without_reading_does_not_finish(apprenti):
    capsule = make_capsule()
    services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=right_answers(capsule))
    progress = Progress.objects.get(member=apprenti, capsule=capsule)
    assert progress.passed_at and progress.finished_at is None
    services.mark_read(capsule, by=apprenti)
    progress.refresh_from_db()
    assert progress.finished_at is not None


def test_a_failed_quiz_keeps_the_best_score_and_counts_attempts(apprenti):
    capsule = make_capsule(questions=4)
    services.mark_read(capsule, by=apprenti)
    answers = right_answers(capsule)
    first_question = next(iter(answers))
    answers[first_question] = wrong_answers(capsule)[first_question]
    low = services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=answers)
    assert low.score == 75 and not low.passed  # under the 80 % threshold
    worse = services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=wrong_answers(capsule))
    assert worse.score == 0
    progress = Progress.objects.get(member=apprenti, capsule=capsule)
    assert progress.attempts == 2 and progress.best_score == 75
    assert progress.passed_at is None and progress.finished_at is None


@override_settings(LEARNING_QUIZ_PASS_PERCENT=60)
def test_the_pass_threshold_is_a_setting(apprenti):
    capsule = make_capsule(questions=3)
    answers = right_answers(capsule)
    first = next(iter(answers))
    answers[first] = wrong_answers(capsule)[first]
    assert services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=answers).passed  # 67 %


def test_a_replayed_quiz_post_is_the_same_attempt(apprenti):
    capsule = make_capsule()
    token = uuid.uuid4()
    first = services.submit_quiz(capsule, by=apprenti, token=token, answers=right_answers(capsule))
    again = services.submit_quiz(capsule, by=apprenti, token=token, answers=wrong_answers(capsule))
    assert again.pk == first.pk
    assert Attempt.objects.count() == 1
    assert Progress.objects.get(member=apprenti, capsule=capsule).attempts == 1


def test_someone_elses_token_is_refused(apprenti, compagnon):
    capsule = make_capsule()
    token = uuid.uuid4()
    services.submit_quiz(capsule, by=apprenti, token=token, answers=right_answers(capsule))
    with pytest.raises(InvalidTransition):
        services.submit_quiz(capsule, by=compagnon, token=token, answers=right_answers(capsule))
    assert not Progress.objects.filter(member=compagnon).exists()


def test_an_answer_for_another_question_records_nothing(apprenti):
    capsule, other = make_capsule(), make_capsule()
    answers = right_answers(capsule)
    answers.update(right_answers(other))
    with pytest.raises(InvalidTransition, match="aucune question de ce quiz"):
        services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=answers)
    assert not Attempt.objects.exists() and not Progress.objects.exists()


def test_a_quiz_shown_before_the_capsule_changed_records_nothing(apprenti, formateur):
    capsule = make_capsule(by=formateur)
    shown = right_answers(capsule)  # the form as the member opened it, version 1
    sent = uuid.uuid4()
    services.submit_quiz(capsule, by=apprenti, token=sent, answers=shown, version=1)
    data = capsule_files.read(capsule_files.export_yaml(capsule))
    data["body"] = "Un texte revu."
    capsule, _changed = services.save_capsule(data, by=formateur, capsule=capsule)
    assert capsule.version == 2
    with pytest.raises(InvalidTransition, match="a changé depuis que vous avez ouvert le quiz"):
        services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=shown, version=1)
    assert Attempt.objects.count() == 1
    assert services.submit_quiz(capsule, by=apprenti, token=sent, answers=shown, version=1).capsule_version == 1
    fresh = services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=right_answers(capsule), version=2)
    assert fresh.passed and fresh.capsule_version == 2


def test_an_option_of_another_question_records_nothing(apprenti):
    capsule = make_capsule()
    answers = right_answers(capsule)
    first, second = list(answers)[:2]
    answers[first] = answers[second]
    with pytest.raises(InvalidTransition, match="n'appartient pas"):
        services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=answers)
    assert not Attempt.objects.exists()


def test_every_question_needs_an_answer_and_single_choice_only_one(apprenti):
    capsule = make_capsule()
    answers = right_answers(capsule)
    first = next(iter(answers))
    with pytest.raises(InvalidTransition, match="chaque question"):
        services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers={**answers, first: []})
    both = right_answers(capsule)[first] + wrong_answers(capsule)[first]
    with pytest.raises(InvalidTransition, match="qu'une réponse"):
        services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers={**answers, first: both})
    assert not Attempt.objects.exists()


def test_a_multiple_choice_question_is_right_only_with_all_its_right_options(apprenti):
    data = capsule_data()
    data["questions"][0] = {
        "text": "Lesquelles ?",
        "multiple": True,
        "options": [
            {"text": "A", "correct": True, "feedback": "Oui."},
            {"text": "B", "correct": True, "feedback": "Oui aussi."},
            {"text": "C", "correct": False, "feedback": "Non."},
        ],
    }
    clean, _errors = capsule_files.validate(data, competence_codes=capsule_files.current_codes())
    capsule, _ = services.save_capsule(clean, by=None, publish=True)
    answers = right_answers(capsule)
    question = capsule.questions.get(position=1)
    answers[question.pk] = answers[question.pk][:1]
    assert services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=answers).score == 67


def test_a_draft_capsule_cannot_be_read_or_answered(apprenti):
    capsule = make_capsule(publish=False)
    with pytest.raises(InvalidTransition):
        services.mark_read(capsule, by=apprenti)
    with pytest.raises(InvalidTransition):
        services.submit_quiz(capsule, by=apprenti, token=uuid.uuid4(), answers=right_answers(capsule))


def test_a_quiz_pass_changes_no_level(apprenti, formateur, competences):
    """Validation stays with the mentor and the jury: a finished capsule writes no assessment."""
    reviewed_positioning(apprenti, formateur, {"C1.2": 0})
    capsule = make_capsule(competences=["C1.2"])
    before = list(Assessment.objects.filter(member=apprenti).values_list("pk", "level"))
    certification = capsule.competences.first().certification
    levels_before = skills_services.current_levels(apprenti, certification)
    finish_capsule(capsule, apprenti)
    assert list(Assessment.objects.filter(member=apprenti).values_list("pk", "level")) == before
    after = skills_services.current_levels(apprenti, certification)
    assert {k: v.level for k, v in after.items()} == {k: v.level for k, v in levels_before.items()}


# --- Authoring and versions -----------------------------------------------------------------------


def test_only_the_team_writes_capsules(apprenti, formateur):
    clean, _ = capsule_files.validate(capsule_data(), competence_codes=capsule_files.current_codes())
    with pytest.raises(PermissionRefused):
        services.save_capsule(clean, by=apprenti)
    capsule, changed = services.save_capsule(clean, by=formateur)
    assert changed and capsule.status == Status.DRAFT
    with pytest.raises(PermissionRefused):
        services.publish_capsule(capsule, by=apprenti)


def test_editing_a_published_capsule_increments_its_version_and_is_audited(formateur):
    capsule = make_capsule(by=formateur, slug="cap")
    data = capsule_files.read(capsule_files.export_yaml(capsule))
    same, changed = services.save_capsule(data, by=formateur, capsule=capsule)
    assert not changed and same.version == 1
    data["body"] = "Un autre texte."
    edited, changed = services.save_capsule(data, by=formateur, capsule=capsule)
    assert changed and edited.version == 2 and edited.status == Status.PUBLISHED
    assert AuditLog.objects.filter(action="capsule.form", target_id=str(capsule.pk)).exists()


def test_publish_and_archive_are_audited(formateur):
    capsule = make_capsule(by=formateur, publish=False)
    services.publish_capsule(capsule, by=formateur)
    with pytest.raises(InvalidTransition):
        services.publish_capsule(capsule, by=formateur)
    services.archive_capsule(capsule, by=formateur)
    assert Capsule.objects.get(pk=capsule.pk).status == Status.ARCHIVED
    actions = set(AuditLog.objects.filter(target_id=str(capsule.pk)).values_list("action", flat=True))
    assert {"capsule.published", "capsule.archived"} <= actions


def test_audio_needs_a_transcript_even_from_the_form(formateur, tmp_path):
    sound = tmp_path / "son.mp3"
    sound.write_bytes(b"ID3" + b"\0" * 64)
    clean, _ = capsule_files.validate(capsule_data(), competence_codes=capsule_files.current_codes())
    with pytest.raises(InvalidTransition, match="transcription"):
        services.save_capsule(clean, by=formateur, files={"audio": sound})
    assert not Capsule.objects.exists()


# --- Reads ---------------------------------------------------------------------------------------


def test_recommendations_come_from_gaps_and_the_plan_with_their_reason(apprenti, formateur, competences):
    reviewed_positioning(apprenti, formateur, {"C1.2": 1})
    c12 = next(c for c in competences if c.code == "C1.2")
    c21 = next(c for c in competences if c.code == "C2.1")
    path_services.add_goal(apprenti, c21, by=formateur)
    gap = make_capsule(competences=["C1.2"])
    goal = make_capsule(competences=["C2.1"])
    unrelated = make_capsule(competences=["C3.1"])
    draft = make_capsule(competences=["C1.2"], publish=False)
    rows = {row.capsule.pk: row for row in capsules.recommendations(apprenti)}
    assert set(rows) == {gap.pk, goal.pk}
    assert rows[gap.pk].reasons == ["parce que C1.2 est à travailler"]
    assert rows[goal.pk].reasons == ["parce que C2.1 est un objectif du plan"]
    assert unrelated.pk not in rows and draft.pk not in rows
    finish_capsule(gap, apprenti)
    assert gap.pk not in {row.capsule.pk for row in capsules.recommendations(apprenti)}
    assert c12  # the gap's compétence exists in the référentiel in force


def test_an_acquired_competence_recommends_nothing(apprenti, formateur):
    reviewed_positioning(apprenti, formateur, {}, default=2)
    make_capsule(competences=["C1.2"])
    assert capsules.recommendations(apprenti) == []


def test_recommendations_run_bounded_queries(apprenti, formateur, competences, django_assert_max_num_queries):
    reviewed_positioning(apprenti, formateur, {}, default=0)
    for code in ("C1.1", "C1.2", "C2.1", "C3.1", "C4.1", "C5.1", "C6.1"):
        make_capsule(competences=[code])
    with django_assert_max_num_queries(6):
        assert len(capsules.recommendations(apprenti)) == capsules.RECOMMENDED


def test_self_study_counts_finished_capsules_minutes(apprenti):
    one, two, three = make_capsule(), make_capsule(), make_capsule()
    finish_capsule(one, apprenti)
    finish_capsule(two, apprenti)
    services.mark_read(three, by=apprenti)
    study = capsules.self_study(apprenti)
    assert study["count"] == 2 and study["minutes"] == one.minutes + two.minutes
    assert [row.capsule for row in capsules.in_progress(apprenti)] == [three]


# --- Personal data and demo -------------------------------------------------------------------------


def test_personal_data_export_and_erase(apprenti, outsider):
    from compagnons.learning import personal_data

    capsule = make_capsule()
    finish_capsule(capsule, apprenti)
    finish_capsule(capsule, outsider)
    exported = personal_data.export(apprenti)["capsules"]
    assert exported[0]["capsule"] == capsule.slug and exported[0]["quiz_attempts"][0]["score"] == 100
    personal_data.erase(apprenti, [])
    assert not Progress.objects.filter(member=apprenti).exists()
    assert not Attempt.objects.filter(progress__member=apprenti).exists()
    assert Progress.objects.filter(member=outsider).exists()


def test_demo_loads_content_and_the_apprentice_has_read_one_and_passed_one(apprenti, monkeypatch, tmp_path):
    from pathlib import Path

    from compagnons.learning import content_loader, demo

    folder = tmp_path / "content"
    (folder / "capsules").mkdir(parents=True)
    source = Path(__file__).parent / "data" / "capsule-valid.yaml"
    text = source.read_text()
    (folder / "capsules" / "a.yaml").write_text(text)
    (folder / "capsules" / "b.yaml").write_text(text.replace("relancer-sans-harceler", "deuxieme"))
    monkeypatch.setattr(content_loader, "CONTENT", folder)
    world = {"apprenti@demo.test": apprenti}
    demo._seed_capsules(world)
    demo._seed_capsules(world)  # idempotent
    assert Capsule.objects.published().count() == 2
    rows = Progress.objects.filter(member=apprenti)
    assert rows.count() == 2 and rows.filter(finished_at__isnull=False).count() == 1
    assert Attempt.objects.filter(progress__member=apprenti, passed=True).count() == 1
