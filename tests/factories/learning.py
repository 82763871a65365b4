"""Learning factories: capsules and scenarios through the learning services (import of content files)."""

import itertools
from pathlib import Path

from compagnons.learning import capsule_files, scenario_files
from compagnons.learning import services as _learning_services
from compagnons.learning import services as learning_services

# --- Capsules --------------------------------------------------------------------------------------------


_capsule_numbers = itertools.count(1)


def capsule_data(*, slug=None, competences=("C1.2",), questions=3, body="Un texte **court**.", **extra) -> dict:
    """A valid capsule in the file format: `questions` single-choice questions whose first option is right."""
    n = next(_capsule_numbers)
    data = {
        "format": capsule_files.FORMAT,
        "slug": slug or f"capsule-{n}",
        "title": f"Capsule {n}",
        "summary": "Une phrase.",
        "minutes": 3,
        "competences": list(competences),
        "body": body,
        "questions": [
            {
                "text": f"Question {q} ?",
                "multiple": False,
                "options": [
                    {"text": f"Juste {q}", "correct": True, "feedback": f"Juste, parce que {q}."},
                    {"text": f"Faux {q}", "correct": False, "feedback": f"Non, parce que {q}."},
                ],
            }
            for q in range(1, questions + 1)
        ],
    }
    data.update(extra)
    return data


def make_capsule(*, by=None, publish=True, **kwargs):
    """A capsule written through the learning services (published unless told otherwise)."""
    data = capsule_data(**kwargs)
    clean, errors = capsule_files.validate(data, competence_codes=capsule_files.current_codes())
    assert not errors, errors
    capsule, _changed = _learning_services.save_capsule(clean, by=by, publish=publish)
    return capsule


def right_answers(capsule) -> dict[int, list[int]]:
    return {q.pk: [o.pk for o in q.options.all() if o.correct] for q in capsule.questions.prefetch_related("options")}


def wrong_answers(capsule) -> dict[int, list[int]]:
    return {
        q.pk: [next(o.pk for o in q.options.all() if not o.correct)]
        for q in capsule.questions.prefetch_related("options")
    }


def finish_capsule(capsule, member):
    """The member reads the capsule and passes its quiz."""
    import uuid

    _learning_services.mark_read(capsule, by=member)
    return _learning_services.submit_quiz(capsule, by=member, token=uuid.uuid4(), answers=right_answers(capsule))


# --- Scenarios -------------------------------------------------------------------------------------------


SCENARIO_DATA = Path(__file__).resolve().parent.parent / "learning" / "data"


def scenario_text(name: str = "scenario_relance.yaml") -> str:
    return (SCENARIO_DATA / name).read_text(encoding="utf-8")


def import_scenario(text: str | None = None, *, by=None):
    """A scenario imported from a file of tests/learning/data (the small « relance » one by default)."""
    return scenario_files.import_file(text if text is not None else scenario_text(), by=by)


def play(scenario, member, picks: list[int] | None = None):
    """Start a run and make choices by position (1-based); stops at an ending. Default: always the first choice."""
    run = learning_services.start_run(scenario, by=member)
    picks = list(picks or [])
    while run.finished_at is None:
        position = picks.pop(0) if picks else 1
        choice = run.current.choices.get(position=position)
        run = learning_services.choose(
            run, by=member, step=run.steps_count + 1, node_key=run.current.key, choice_id=choice.pk
        )
    return run


def play_steps(scenario, member, picks: list[int]):
    """Start a run and make exactly these choices (by position), finished or not."""
    run = learning_services.start_run(scenario, by=member)
    for position in picks:
        choice = run.current.choices.get(position=position)
        run = learning_services.choose(
            run, by=member, step=run.steps_count + 1, node_key=run.current.key, choice_id=choice.pk
        )
    return run
