import pytest

from compagnons.credentials import services


@pytest.fixture(autouse=True)
def keys(settings, tmp_path):
    """Each test signs with keys of its own, never the development ones."""
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def credential(compagnon):
    """A bloc credential issued through the service, as a jury's decision issues it."""
    return services.issue(
        member=compagnon,
        achievement_type="Competency",
        achievement_key="test/BC01",
        name="BC01 — Se présenter",
        description="Mise en situation",
        criteria="Pitch",
        alignments=[{"name": "C1.1 — Pitch", "code": "C1.1", "url": "https://exemple.test/ref", "framework": "Test"}],
        evidence=compagnon,
        evidence_url="https://exemple.test/decision/1",
        evidence_name="Décision",
    )
