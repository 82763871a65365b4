"""Capsule pages: who sees what, the quiz form and its feedback, staff authoring, import and export."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compagnons.learning import capsule_files, services
from compagnons.learning.models import Attempt, Capsule, Progress, Status
from tests.factories.learning import capsule_data, finish_capsule, make_capsule, right_answers, wrong_answers

from .test_capsules import reviewed_positioning


def quiz_post(capsule, answers, token=None) -> dict:
    data = {"token": str(token or uuid.uuid4())}
    for question_id, options in answers.items():
        data[f"q{question_id}"] = [str(o) for o in options]
    return data


# --- Refused access ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_asks_an_anonymous_visitor_to_log_in(client):
    capsule = make_capsule()
    attempt_url = reverse("learning:attempt", args=[capsule.slug, uuid.uuid4()])
    urls = [
        reverse("learning:home"),
        capsule.get_absolute_url(),
        reverse("learning:quiz", args=[capsule.slug]),
        attempt_url,
        reverse("learning:staff_capsules"),
        reverse("learning:staff_new"),
        reverse("learning:staff_import"),
        reverse("learning:staff_edit", args=[capsule.pk]),
        reverse("learning:staff_preview", args=[capsule.pk]),
        reverse("learning:staff_export", args=[capsule.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"], url
    for url in (
        reverse("learning:capsule_read", args=[capsule.slug]),
        reverse("learning:staff_publish", args=[capsule.pk]),
        reverse("learning:staff_archive", args=[capsule.pk]),
    ):
        assert "/comptes/login/" in client.post(url)["Location"], url


def test_a_member_gets_403_on_every_staff_page(client, apprenti):
    capsule = make_capsule(publish=False)
    client.force_login(apprenti)
    for url in (
        reverse("learning:staff_capsules"),
        reverse("learning:staff_new"),
        reverse("learning:staff_import"),
        reverse("learning:staff_edit", args=[capsule.pk]),
        reverse("learning:staff_preview", args=[capsule.pk]),
        reverse("learning:staff_export", args=[capsule.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("learning:staff_publish", args=[capsule.pk]),
        reverse("learning:staff_archive", args=[capsule.pk]),
    ):
        assert client.post(url).status_code == 403, url
    assert Capsule.objects.get(pk=capsule.pk).status == Status.DRAFT


def test_a_draft_capsule_is_invisible_to_members(client, apprenti, formateur):
    draft = make_capsule(publish=False, slug="brouillon")
    client.force_login(apprenti)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("learning:quiz", args=[draft.slug])).status_code == 404
    assert client.post(reverse("learning:capsule_read", args=[draft.slug])).status_code == 404
    assert draft.title not in client.get(reverse("learning:home")).content.decode()
    client.force_login(formateur)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_someone_elses_attempt_is_not_found(client, apprenti, compagnon):
    capsule = make_capsule()
    attempt = finish_capsule(capsule, apprenti)
    client.force_login(compagnon)
    assert client.get(reverse("learning:attempt", args=[capsule.slug, attempt.token])).status_code == 404


# --- The member's journey --------------------------------------------------------------------------


def test_a_script_in_the_body_never_reaches_the_page(client, apprenti):
    capsule = make_capsule(body='Bonjour **vous**.\n\n<script>alert("x")</script>\n\n[lien](javascript:alert(1))')
    client.force_login(apprenti)
    html = client.get(capsule.get_absolute_url()).content.decode()
    assert "<strong>vous</strong>" in html
    assert 'alert("x")' not in html and "javascript:alert" not in html


def test_the_capsule_page_shows_image_with_alt_and_audio_with_transcript(client, apprenti, formateur, tmp_path):
    from PIL import Image

    image = tmp_path / "schema.png"
    Image.new("RGB", (4, 4)).save(image)
    sound = tmp_path / "son.mp3"
    sound.write_bytes(b"ID3" + b"\0" * 64)
    from compagnons.learning import capsule_files

    data, _ = capsule_files.validate(
        capsule_data(image="schema.png", image_alt="Un schéma", audio="son.mp3", transcript="Ce que dit la voix."),
        competence_codes=capsule_files.current_codes(),
    )
    capsule, _changed = services.save_capsule(data, by=formateur, files={"image": image, "audio": sound}, publish=True)
    client.force_login(apprenti)
    html = client.get(capsule.get_absolute_url()).content.decode()
    assert 'alt="Un schéma"' in html and "<audio" in html and "Ce que dit la voix." in html


def test_read_then_quiz_then_feedback_for_each_answer(client, apprenti):
    capsule = make_capsule()
    client.force_login(apprenti)
    response = client.post(reverse("learning:capsule_read", args=[capsule.slug]))
    assert response["Location"] == reverse("learning:quiz", args=[capsule.slug])
    page = client.get(response["Location"]).content.decode()
    assert 'name="token"' in page and "Question 1 ?" in page
    answers = wrong_answers(capsule)
    response = client.post(reverse("learning:quiz", args=[capsule.slug]), quiz_post(capsule, answers))
    assert response.status_code == 302
    feedback = client.get(response["Location"]).content.decode()
    for n in range(1, 4):  # the explanation of every answer, the chosen one and the others
        assert f"Non, parce que {n}." in feedback and f"Juste, parce que {n}." in feedback
    assert "votre réponse, pas juste" in feedback
    assert Progress.objects.get(member=apprenti, capsule=capsule).finished_at is None


def test_a_replayed_quiz_post_lands_on_the_same_attempt(client, apprenti):
    capsule = make_capsule()
    client.force_login(apprenti)
    data = quiz_post(capsule, right_answers(capsule))
    first = client.post(reverse("learning:quiz", args=[capsule.slug]), data)
    second = client.post(reverse("learning:quiz", args=[capsule.slug]), data)
    assert first["Location"] == second["Location"]
    assert Attempt.objects.count() == 1


def test_an_answer_for_another_question_is_refused_in_french_with_the_input_kept(client, apprenti):
    capsule, other = make_capsule(), make_capsule()
    client.force_login(apprenti)
    answers = right_answers(capsule)
    answers.update(right_answers(other))
    response = client.post(reverse("learning:quiz", args=[capsule.slug]), quiz_post(capsule, answers))
    assert response.status_code == 400
    html = response.content.decode()
    assert "aucune question de ce quiz" in html and "checked" in html
    garbage = client.post(reverse("learning:quiz", args=[capsule.slug]), {"token": "x", "q1": "abc"})
    assert garbage.status_code == 400 and "rien n" in garbage.content.decode()
    assert not Attempt.objects.exists()


def test_a_quiz_sent_after_the_capsule_changed_is_refused_in_french_and_shows_the_new_questions(
    client, apprenti, formateur
):
    capsule = make_capsule(by=formateur)
    client.force_login(apprenti)
    page = client.get(reverse("learning:quiz", args=[capsule.slug])).content.decode()
    assert 'name="version" value="1"' in page
    data = quiz_post(capsule, right_answers(capsule))
    data["version"] = "1"
    edited = capsule_data(slug=capsule.slug)
    edited["questions"][0]["text"] = "Une question revue ?"
    clean, errors = capsule_files.validate(edited, competence_codes=capsule_files.current_codes())
    assert not errors
    services.save_capsule(clean, by=formateur, capsule=capsule)
    response = client.post(reverse("learning:quiz", args=[capsule.slug]), data)
    html = response.content.decode()
    assert response.status_code == 400 and "a changé depuis que vous avez ouvert le quiz" in html
    assert "Une question revue ?" in html and 'name="version" value="2"' in html
    assert not Attempt.objects.exists()
    bad = client.post(reverse("learning:quiz", args=[capsule.slug]), {**data, "version": "deux"})
    assert bad.status_code == 400 and not Attempt.objects.exists()


def test_home_lists_recommended_capsules_first_with_their_reason(client, apprenti, formateur, competences):
    reviewed_positioning(apprenti, formateur, {"C1.2": 0})
    make_capsule(competences=["C3.1"], slug="autre")
    make_capsule(competences=["C1.2"], slug="utile")
    client.force_login(apprenti)
    html = client.get(reverse("learning:home")).content.decode()
    assert "parce que C1.2 est à travailler" in html
    assert html.index("/apprendre/capsules/utile/") < html.index("/apprendre/capsules/autre/")


def test_home_shows_where_one_stopped(client, apprenti):
    capsule = make_capsule()
    services.mark_read(capsule, by=apprenti)
    client.force_login(apprenti)
    html = client.get(reverse("learning:home")).content.decode()
    assert "Reprendre" in html and reverse("learning:quiz", args=[capsule.slug]) in html


def test_pages_run_bounded_queries(client, apprenti, formateur, django_assert_max_num_queries):
    reviewed_positioning(apprenti, formateur, {}, default=0)
    made = [make_capsule(competences=[code]) for code in ("C1.1", "C1.2", "C2.1", "C3.1", "C4.1", "C5.1")]
    for capsule in made[:3]:
        finish_capsule(capsule, apprenti)
    attempt = Attempt.objects.filter(progress__capsule=made[0]).first()
    client.force_login(apprenti)
    client.get(reverse("learning:home"))  # warm the session
    for url in (
        reverse("learning:home"),
        made[0].get_absolute_url(),
        reverse("learning:quiz", args=[made[0].slug]),
        reverse("learning:attempt", args=[made[0].slug, attempt.token]),
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200
    client.force_login(formateur)
    for url in (
        reverse("learning:staff_capsules"),
        reverse("learning:staff_preview", args=[made[0].pk]),
        reverse("learning:staff_new"),
        reverse("learning:staff_edit", args=[made[0].pk]),
        reverse("learning:staff_import"),
        reverse("learning:staff_export", args=[made[0].pk]),
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


# --- Staff -----------------------------------------------------------------------------------------


def staff_form(**overrides) -> dict:
    quiz = """
- text: Première ?
  options:
    - {text: Oui, correct: true, feedback: Parce que oui.}
    - {text: Non, correct: false, feedback: Parce que non.}
- text: Deuxième ?
  options:
    - {text: Oui, correct: true, feedback: Parce que oui.}
    - {text: Non, correct: false, feedback: Parce que non.}
- text: Troisième ?
  multiple: true
  options:
    - {text: A, correct: true, feedback: A est juste.}
    - {text: B, correct: true, feedback: B aussi.}
    - {text: C, correct: false, feedback: C non.}
"""
    data = {
        "title": "Fixer son prix",
        "slug": "fixer-son-prix",
        "summary": "Le prix juste.",
        "minutes": "4",
        "competences": "C1.2, C2.1",
        "body": "Un **texte**.",
        "image_alt": "",
        "transcript": "",
        "quiz": quiz,
    }
    data.update(overrides)
    return data


def test_staff_write_preview_then_publish(client, formateur, apprenti):
    client.force_login(formateur)
    response = client.post(reverse("learning:staff_new"), staff_form())
    capsule = Capsule.objects.get(slug="fixer-son-prix")
    assert response["Location"] == reverse("learning:staff_preview", args=[capsule.pk])
    assert capsule.status == Status.DRAFT and capsule.questions.count() == 3
    preview = client.get(response["Location"]).content.decode()
    assert "A est juste." in preview and "Publier" in preview
    client.post(reverse("learning:staff_publish", args=[capsule.pk]))
    capsule.refresh_from_db()
    assert capsule.status == Status.PUBLISHED
    client.post(reverse("learning:staff_edit", args=[capsule.pk]), staff_form(body="Un autre texte."))
    capsule.refresh_from_db()
    assert capsule.version == 2
    edit = client.get(reverse("learning:staff_edit", args=[capsule.pk])).content.decode()
    assert "Troisième ?" in edit


def test_a_bad_staff_form_lists_every_problem_and_keeps_the_input(client, formateur):
    client.force_login(formateur)
    bad_quiz = "- text: Seule ?\n  options:\n    - {text: Oui, correct: true}\n"
    response = client.post(reverse("learning:staff_new"), staff_form(quiz=bad_quiz, competences="Z9.9", minutes="4"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "il en faut de 3 à 5" in html
    assert "Compétence inconnue" in html and "feedback" in html
    assert "Fixer son prix" in html
    assert not Capsule.objects.exists()
    unreadable = client.post(reverse("learning:staff_new"), staff_form(quiz="- [unclosed"))
    assert unreadable.status_code == 400 and "YAML" in unreadable.content.decode()


def test_staff_import_and_export(client, formateur, settings):
    client.force_login(formateur)
    text = (settings.BASE_DIR / "tests/learning/data/capsule-valid.yaml").read_bytes()
    upload = SimpleUploadedFile("capsule.yaml", text, content_type="application/yaml")
    response = client.post(reverse("learning:staff_import"), {"file": upload})
    capsule = Capsule.objects.get(slug="relancer-sans-harceler")
    assert response.status_code == 302 and capsule.status == Status.DRAFT
    exported = client.get(reverse("learning:staff_export", args=[capsule.pk]))
    assert exported["Content-Disposition"] == 'attachment; filename="relancer-sans-harceler.yaml"'
    again = SimpleUploadedFile("again.yaml", exported.content, content_type="application/yaml")
    client.post(reverse("learning:staff_import"), {"file": again})
    assert Capsule.objects.get(pk=capsule.pk).version == 1  # unchanged: nothing written


def test_staff_import_refuses_a_bad_file_with_every_error(client, formateur, settings):
    client.force_login(formateur)
    text = (settings.BASE_DIR / "tests/learning/data/capsule-invalid.yaml").read_bytes()
    response = client.post(reverse("learning:staff_import"), {"file": SimpleUploadedFile("bad.yaml", text)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rien n&#x27;est importé" in html or "Rien n'est importé" in html
    assert "transcription" in html and "Z9.9" in html and "colour" in html
    wrong_type = client.post(reverse("learning:staff_import"), {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert wrong_type.status_code == 400 and ".yaml" in wrong_type.content.decode()
    big = SimpleUploadedFile("big.yaml", b"a" * (300 * 1024))
    assert "256 Ko" in client.post(reverse("learning:staff_import"), {"file": big}).content.decode()
    assert not Capsule.objects.exists()
