"""The denormalised counts (threads, posts, last activity per category; answers, last activity per thread) follow
every service that changes them, and `community_audit` finds (and fixes) any that drift from the rows."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnons.community import counters, services
from compagnons.community.models import Category, Post, Thread
from tests.factories import UserFactory
from tests.factories.community import ask, category, question_of, reply


def counts(slug="entraide"):
    c = Category.objects.get(slug=slug)
    return c.thread_count, c.post_count


def test_counts_follow_threads_answers_hiding_and_restoring(asker, helper, formateur):
    entraide = category()
    assert counts() == (0, 0) and entraide.last_activity_at is None
    thread = ask(asker)
    assert counts() == (1, 1)
    first = reply(thread, helper, body="Première réponse")
    second = reply(thread, helper, body="Deuxième réponse")
    assert counts() == (1, 3)
    thread.refresh_from_db()
    assert thread.answer_count == 2 and thread.last_activity_at == second.created_at
    assert Category.objects.get(slug="entraide").last_activity_at == second.created_at
    assert counters.audit() == []

    services.moderate(second, "hide", by=formateur, reason="Hors sujet")
    thread.refresh_from_db()
    assert counts() == (1, 2)
    assert thread.answer_count == 1 and thread.last_activity_at == first.created_at  # back to the last visible one
    assert Category.objects.get(slug="entraide").last_activity_at == first.created_at
    assert counters.audit() == []

    services.moderate(question_of(thread), "hide", by=formateur, reason="Doublon")
    assert counts() == (0, 0)
    assert Category.objects.get(slug="entraide").last_activity_at is None
    assert counters.audit() == []

    services.moderate(second, "restore", by=formateur, reason="Finalement utile")  # in a hidden thread
    assert counts() == (0, 0)
    services.moderate(question_of(thread), "restore", by=formateur, reason="Pas un doublon")
    assert counts() == (1, 3)
    assert counters.audit() == []


def test_held_posts_count_once_approved(asker, formateur):
    newcomer = UserFactory(apprentice=True)
    held = services.create_thread(category(), by=newcomer, title="Mon site", body="Voyez https://exemple.fr")
    assert counts() == (0, 0)
    services.moderate(question_of(held), "approve", by=formateur, reason="Lien légitime")
    assert counts() == (1, 1)
    thread = ask(asker)
    answer = reply(thread, UserFactory(apprentice=True), body="Voyez aussi https://exemple.fr/devis")
    assert answer.status == Post.Status.HELD
    assert counts() == (2, 2)
    services.moderate(answer, "approve", by=formateur, reason="Lien légitime")
    assert counts() == (2, 3)
    assert counters.audit() == []


def test_the_audit_finds_and_fixes_drifted_counts(asker, helper):
    thread = ask(asker)
    reply(thread, helper)
    call_command("community_audit", stdout=StringIO())
    Thread.objects.filter(pk=thread.pk).update(answer_count=7)
    Category.objects.filter(slug="entraide").update(thread_count=0)
    with pytest.raises(CommandError):
        call_command("community_audit", stdout=StringIO(), stderr=(err := StringIO()))
    assert f"thread {thread.pk}: answer_count 7 ≠ recomputed 1" in err.getvalue()
    assert "category entraide: thread_count 0 ≠ recomputed 1" in err.getvalue()
    call_command("community_audit", fix=True, stdout=StringIO())
    call_command("community_audit", stdout=StringIO())
    assert counts() == (1, 2)
    assert Thread.objects.get(pk=thread.pk).answer_count == 1


def test_the_audit_checks_the_helpful_flag_and_last_activity(asker, helper, answered):
    thread = answered.thread
    services.mark_helpful(answered, thread=thread, by=asker)
    assert counters.audit() == []
    Thread.objects.filter(pk=thread.pk).update(has_helpful=False, last_activity_at=thread.created_at)
    faults = counters.audit(fix=True)
    assert any("has_helpful False ≠ recomputed True" in fault for fault in faults)
    assert any("last_activity_at" in fault for fault in faults)
    assert counters.audit() == []


@pytest.mark.parametrize("n", [1, 8])
def test_the_categories_page_shows_the_counts_without_counting(client, asker, helper, n, django_assert_max_num_queries):
    for i in range(n):
        reply(ask(asker, title=f"Question numéro {i}", slug="outils"), helper)
    with django_assert_max_num_queries(4) as captured:
        response = client.get(reverse("community:index"))
    page = response.content.decode()
    assert f"{n} discussion" in page and f"{2 * n} messages" in page
    assert not any("COUNT(" in query["sql"].upper() for query in captured.captured_queries)


def test_the_latest_discussions_come_from_the_activity_index_not_a_category(client, asker, helper):
    """The categories are a filter on the rows read, not the way in (SQLite sorted a whole category for ten)."""
    ask(asker, title="Une question publique")
    ask(asker, title="Une question entre membres", slug="vie-de-l-association")
    page = client.get(reverse("community:index")).content.decode()
    assert "Une question publique" in page and "Une question entre membres" not in page
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("community:index"))
    sql = [q["sql"] for q in captured.captured_queries if "community_thread" in q["sql"] and "ORDER BY" in q["sql"]]
    assert len(sql) == 1 and '"category_id" + 0' in sql[0].replace("(", "").replace(")", "")
