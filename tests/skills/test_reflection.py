import pytest
from django.urls import reverse

from compagnons.apprenticeship.services import assign_mentor
from compagnons.skills.models import Reflection

pytestmark = pytest.mark.django_db


def test_member_writes_their_reflection(client, apprenti, django_assert_max_num_queries):
    client.force_login(apprenti)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("skills:reflection")).status_code == 200

    client.post(reverse("skills:reflection"), {"values": "L'entraide", "drives": "Mes enfants"})

    page = Reflection.objects.get(member=apprenti)
    assert page.values == "L'entraide"
    assert not page.shared_with_mentor


def test_private_unless_shared_and_only_with_the_mentor(client, apprenti, compagnon, formateur, outsider):
    Reflection.objects.create(member=apprenti, values="Liberté", shared_with_mentor=False)
    assign_mentor(apprenti, compagnon, by=formateur)
    url = reverse("skills:member_reflection", args=[apprenti.pk])

    client.force_login(compagnon)
    assert client.get(url).status_code == 404

    Reflection.objects.filter(member=apprenti).update(shared_with_mentor=True)
    assert "Liberté" in client.get(url).content.decode()

    for other in (formateur, outsider):
        client.force_login(other)
        assert client.get(url).status_code == 404


def test_the_admin_never_shows_the_content(client, apprenti):
    from tests.factories import UserFactory

    Reflection.objects.create(member=apprenti, values="Très personnel")
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = Reflection.objects.get()
    response = client.get(reverse("admin:skills_reflection_change", args=[page.pk]))
    assert response.status_code == 200
    assert "Très personnel" not in response.content.decode()
