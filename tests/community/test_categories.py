"""The team manages the categories: a category without threads is deleted, one with threads is archived (its
threads are members' contributions and back ledger credits: they stay readable), always confirmed and audited."""

import pytest
from django.urls import reverse

from compagnons.community import services
from compagnons.community.models import Category, Thread
from compagnons.core.exceptions import InvalidTransition, PermissionRefused
from compagnons.core.models import AuditLog
from tests.factories.community import ask, category, reply


def remove_url(slug):
    return reverse("community:category_remove", args=[slug])


def test_an_empty_category_is_deleted_after_confirmation(client, formateur, django_assert_max_num_queries):
    category("outils")
    client.force_login(formateur)
    with django_assert_max_num_queries(8):
        page = client.get(remove_url("outils"))
    assert page.status_code == 200 and "Supprimer la catégorie" in page.content.decode()
    response = client.post(remove_url("outils"), {"reason": "Plus utilisée"})  # the box not ticked
    assert response.status_code == 400 and "Cochez « Je confirme »" in response.content.decode()
    assert "Plus utilisée" in response.content.decode()  # the input is kept
    assert Category.objects.filter(slug="outils").exists()
    response = client.post(remove_url("outils"), {"reason": "", "confirm": "on"})
    assert response.status_code == 400 and Category.objects.filter(slug="outils").exists()
    response = client.post(remove_url("outils"), {"reason": "Plus utilisée", "confirm": "on"})
    assert response.status_code == 302
    assert not Category.objects.filter(slug="outils").exists()
    entry = AuditLog.objects.get(action="community.category_deleted")
    assert entry.actor == formateur and entry.data["reason"] == "Plus utilisée"


def test_a_category_with_threads_is_archived_and_its_threads_stay_readable(client, formateur, asker, helper):
    thread = ask(asker, slug="outils", title="Quel agenda partagé ?")
    client.force_login(formateur)
    assert "Archiver la catégorie" in client.get(remove_url("outils")).content.decode()
    client.post(remove_url("outils"), {"reason": "Fusion avec Entraide", "confirm": "on"})
    outils = Category.objects.get(slug="outils")
    assert outils.is_archived and Thread.objects.filter(pk=thread.pk).exists()
    assert AuditLog.objects.filter(action="community.category_archived", data__reason="Fusion avec Entraide").exists()

    client.force_login(asker)
    index = client.get(reverse("community:index")).content.decode()
    assert reverse("community:category", args=["outils"]) not in index  # no longer listed
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Quel agenda partagé ?" in page and "Publier ma réponse" not in page
    assert "archivée" in client.get(reverse("community:category", args=["outils"])).content.decode()
    assert client.get(reverse("community:thread_new", args=["outils"])).status_code == 404
    with pytest.raises(InvalidTransition, match="archivée"):
        services.create_thread(outils, by=asker, title="Encore une question", body="Bonjour")
    with pytest.raises(InvalidTransition, match="archivée"):
        reply(thread, helper)
    response = client.post(reverse("community:answer", args=[thread.pk]), {"body": "Ma réponse"})
    assert response.status_code == 400 and "archivée" in response.content.decode()

    with pytest.raises(InvalidTransition, match="déjà archivée"):
        services.remove_category(outils, by=formateur, reason="Encore")
    client.force_login(formateur)
    client.post(reverse("community:category_restore", args=["outils"]))
    assert not Category.objects.get(slug="outils").is_archived
    assert AuditLog.objects.filter(action="community.category_restored").exists()
    reply(thread, helper)


def test_only_the_team_removes_or_restores_a_category(asker, helper):
    outils = category("outils")
    with pytest.raises(PermissionRefused):
        services.remove_category(outils, by=asker, reason="Pourquoi pas")
    with pytest.raises(PermissionRefused):
        services.restore_category(outils, by=helper)
    assert Category.objects.filter(slug="outils", archived_at=None).exists()


def test_the_categories_page_offers_removal_and_restoring(client, formateur, asker):
    ask(asker, slug="outils")
    services.remove_category(category("outils"), by=formateur, reason="Fusion")
    client.force_login(formateur)
    page = client.get(reverse("community:categories")).content.decode()
    assert reverse("community:category_restore", args=["outils"]) in page
    assert remove_url("entraide") in page
