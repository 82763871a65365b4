"""The two state machines are declared once (`missions/states.py`), and docs/missions.md holds the same tables."""

from pathlib import Path

import pytest

from compagnons.core.exceptions import InvalidTransition
from compagnons.missions import services, states
from compagnons.missions.models import Application, Mission

DOC = Path(__file__).resolve().parents[2] / "docs" / "missions.md"


def _doc_table(name: str) -> dict[str, set[str]]:
    """The `| from | may become |` table that follows the line naming `name` in docs/missions.md."""
    lines = DOC.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if f"(`{name}`)" in line and not line.startswith("|"))
    table: dict[str, set[str]] = {}
    for line in lines[start + 1 :]:
        if not line.startswith("|"):
            if table:
                break
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] in ("from", "---"):
            continue
        targets = set() if cells[1] == "—" else {t.strip().strip("`") for t in cells[1].split(",")}
        table[cells[0].strip("`")] = targets
    return table


@pytest.mark.parametrize(
    ("name", "table", "model"),
    [
        ("MISSION_TRANSITIONS", states.MISSION_TRANSITIONS, Mission),
        ("APPLICATION_TRANSITIONS", states.APPLICATION_TRANSITIONS, Application),
    ],
)
def test_the_docs_table_is_the_codes_table(name, table, model):
    assert _doc_table(name) == {str(status): {str(t) for t in targets} for status, targets in table.items()}
    assert set(table) == set(model.Status.values)  # every status is declared, even the final ones


def test_sources_read_the_table_backwards():
    assert set(states.sources(Application, Application.Status.NOT_CHOSEN)) == {"draft", "sent", "shortlisted"}
    assert set(states.sources(Mission, Mission.Status.EXPIRED)) == {"published"}


def test_move_refuses_what_the_table_does_not_hold_and_writes_nothing(db, make_mission, client_user):
    mission = make_mission()  # a draft
    with pytest.raises(InvalidTransition, match="ne peut pas passer à « Clôturée »"):
        services._move(mission, Mission.Status.CLOSED, by=client_user)
    mission.refresh_from_db()
    assert mission.status == Mission.Status.DRAFT


@pytest.mark.django_db
def test_parties_cancel_only_before_the_work_starts(assigned, declared, client_user):
    services.start(assigned, by=declared)
    with pytest.raises(InvalidTransition, match="« En cours » ne peut pas passer à « Annulée »"):
        services.cancel(assigned, by=client_user)
