import pytest

from compagnons.apprenticeship import pairing, services
from compagnons.apprenticeship.models import Mentorship

pytestmark = pytest.mark.django_db


def test_receiving_a_compagnon_ends_their_mentorship(mentorship, apprenti, compagnon, formateur):
    services.record_adoption_piece(apprenti, by=formateur, description="Adoption")
    services.receive_as_compagnon(apprenti, by=formateur, grounds="Chef-d'œuvre reçu")
    mentorship.refresh_from_db()
    assert mentorship.ended_at is not None and "compagnon" in mentorship.end_reason
    assert not pairing.is_mentor_of(compagnon, apprenti)
    assert not Mentorship.objects.active().filter(mentor=compagnon).exists()
    # La chaîne still knows who trained whom.
    assert Mentorship.objects.filter(mentor=compagnon, apprentice=apprenti).exists()
