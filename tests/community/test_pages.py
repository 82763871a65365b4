import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compagnons.community import services
from compagnons.community.models import Post, Report, Thread
from compagnons.core.models import AuditLog
from compagnons.ledger.models import Transaction
from tests.community.conftest import settled
from tests.factories import UserFactory
from tests.factories.community import ask, category, question_of, reply


def many_threads(author, n=6):
    threads = [ask(author, title=f"Question numéro {i} sur les devis") for i in range(n)]
    return threads


# --- Reading ------------------------------------------------------------------------------------------


def test_the_header_links_to_the_community_from_home(client, db):
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("community:index") in page


def test_a_visitor_reads_public_categories_and_is_invited_to_join(client, thread, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("community:index"))
    page = response.content.decode()
    assert "Entraide" in page and "Outils" in page
    assert "Vie de l&#x27;association" not in page  # members only
    assert "S'inscrire pour répondre" in page
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert "S'inscrire pour répondre" in response.content.decode()
    assert "Publier ma réponse" not in response.content.decode()


def test_members_only_categories_are_refused_to_visitors(client, asker):
    private = ask(asker, slug="vie-de-l-association", title="Assemblée générale de juin")
    assert client.get(reverse("community:category", args=["vie-de-l-association"])).status_code == 404
    assert client.get(private.get_absolute_url()).status_code == 404
    assert client.get(reverse("community:feed", args=["vie-de-l-association"])).status_code == 404
    client.force_login(asker)
    assert client.get(private.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [2, 12])
def test_category_page_queries_do_not_grow(client, asker, n, django_assert_max_num_queries):
    many_threads(asker, n)
    client.force_login(asker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("community:category", args=["entraide"]))
    assert response.status_code == 200
    assert "Poser une question" in response.content.decode()


def test_category_is_paginated_without_counting(client, asker):
    many_threads(asker, 27)
    response = client.get(reverse("community:category", args=["entraide"]))
    assert "Page suivante" in response.content.decode()
    response = client.get(reverse("community:category", args=["entraide"]) + "?page=2")
    assert "Page précédente" in response.content.decode()
    assert client.get(reverse("community:category", args=["entraide"]) + "?page=²").status_code == 200


@pytest.mark.parametrize("n", [1, 15])
def test_thread_page_queries_do_not_grow(client, thread, asker, helper, n, django_assert_max_num_queries):
    for i in range(n):
        reply(thread, helper, body=f"Réponse {i}")
    client.force_login(asker)
    with django_assert_max_num_queries(16):
        response = client.get(thread.get_absolute_url())
    page = response.content.decode()
    assert "Cette réponse m'a aidé" in page
    assert "Publier ma réponse" in page


def test_thread_page_asks_each_permission_once(client, thread, helper):
    """The charter acceptance (the middleware, then « may they post? ») and the moderator role (the posts' filter,
    then the page's tools) are each read once a request at most (the acceptance is kept in the session from the
    login on: not at all)."""
    reply(thread, helper)
    client.force_login(helper)
    client.get(thread.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(thread.get_absolute_url()).status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    assert sum("accounts_charteracceptance" in q for q in sql) <= 1
    assert sum("community_moderator" in q for q in sql) == 1


def test_a_long_thread_is_paginated(client, thread, helper):
    for i in range(25):
        reply(thread, helper, body=f"Réponse {i}")
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Page 1 sur 2" in page
    last = Post.objects.filter(thread=thread).order_by("-created_at", "-id").first()
    response = client.get(reverse("community:post", args=[last.pk]))
    assert response.url.endswith(f"?page=2#message-{last.pk}")


def test_unanswered_page(client, thread, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get(reverse("community:unanswered"))
    assert thread.title in response.content.decode()


def test_atom_feed_of_a_public_category(client, thread, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("community:feed", args=["entraide"]))
    assert response["Content-Type"].startswith("application/atom+xml")
    assert thread.title in response.content.decode()


def test_hidden_thread_is_refused_to_others(client, thread, formateur, other):
    services.moderate(question_of(thread), "hide", by=formateur, reason="Publicité")
    client.force_login(other)
    assert client.get(thread.get_absolute_url()).status_code == 404
    client.force_login(formateur)
    assert client.get(thread.get_absolute_url()).status_code == 200


# --- Writing ------------------------------------------------------------------------------------------


def test_ask_from_the_category_page(client, asker):
    client.force_login(asker)
    url = reverse("community:thread_new", args=["outils"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Quel logiciel de devis ?", "body": "Je cherche **simple**."})
    thread = Thread.objects.get()
    assert response.url == thread.get_absolute_url()


def test_ask_is_refused_to_visitors(client, db):
    url = reverse("community:thread_new", args=["outils"])
    assert client.get(url).status_code == 302
    assert reverse("account_login") in client.get(url).url


def test_bad_input_comes_back_with_the_text_kept(client, asker):
    client.force_login(asker)
    url = reverse("community:thread_new", args=["outils"])
    response = client.post(url, {"title": "Quel logiciel de devis ?", "body": "x" * 200_000})
    assert response.status_code == 400
    assert "raccourcissez" in response.content.decode()
    assert "Quel logiciel de devis ?" in response.content.decode()
    response = client.post(url, {"title": "Quel logiciel de devis ?", "body": ""})
    assert response.status_code == 400 and "vide" in response.content.decode()
    assert not Thread.objects.exists()


def test_the_honeypot_stops_bots(client, asker):
    client.force_login(asker)
    url = reverse("community:thread_new", args=["outils"])
    response = client.post(url, {"title": "Achetez pas cher", "body": "promo", "website": "http://spam"})
    assert response.status_code == 400
    assert not Thread.objects.exists()


def test_answer_and_quote(client, thread, helper, django_assert_max_num_queries):
    client.force_login(helper)
    question = question_of(thread)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("community:answer", args=[thread.pk]) + f"?citer={question.pk}")
    assert "&gt; Je débute" in response.content.decode()
    response = client.post(
        reverse("community:answer", args=[thread.pk]), {"body": "> cité\n\nMa réponse", "quoting": question.pk}
    )
    post = Post.objects.get(is_question=False)
    assert response.url == reverse("community:post", args=[post.pk])
    assert post.quoting == question


def test_answer_in_a_locked_thread_comes_back_with_a_message(client, thread, helper, formateur):
    services.lock_thread(thread, by=formateur, reason="Résolu")
    client.force_login(helper)
    response = client.post(reverse("community:answer", args=[thread.pk]), {"body": "Trop tard ?"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "fermée" in page and "Trop tard ?" in page


def test_edit_page(client, answered, helper, other, django_assert_max_num_queries):
    url = reverse("community:edit", args=[answered.pk])
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(helper)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    client.post(url, {"body": "Version corrigée"})
    answered.refresh_from_db()
    assert answered.body == "Version corrigée"
    history = client.get(reverse("community:history", args=[answered.pk])).content.decode()
    assert "Comptez vos heures" in history


def test_history_is_refused_for_a_hidden_post(client, answered, formateur, other):
    services.moderate(answered, "hide", by=formateur, reason="Spam")
    client.force_login(other)
    assert client.get(reverse("community:history", args=[answered.pk])).status_code == 404


def test_mark_and_unmark_helpful_pages(client, thread, answered, asker, other):
    url = reverse("community:mark", args=[thread.pk, answered.pk])
    client.force_login(other)
    client.post(url)
    assert not Transaction.objects.filter(kind="community").exists()
    client.force_login(asker)
    response = client.post(url)
    assert response.status_code == 302
    assert Transaction.objects.filter(kind="community").count() == 1
    response = client.post(url, follow=True)
    assert "déjà marquée" in response.content.decode()
    client.post(reverse("community:unmark", args=[thread.pk, answered.pk]))
    assert Transaction.objects.filter(kind="reversal").count() == 1


def test_marking_through_another_threads_address_is_refused(client, thread, answered, asker):
    elsewhere = ask(asker, title="Une tout autre question")
    client.force_login(asker)
    response = client.post(reverse("community:mark", args=[elsewhere.pk, answered.pk]), follow=True)
    assert "n&#x27;appartient pas" in response.content.decode()
    assert not Transaction.objects.filter(kind="community").exists()


def test_follow_buttons(client, thread, other):
    client.force_login(other)
    client.post(reverse("community:follow_thread", args=[thread.pk]), {"on": "1"})
    client.post(reverse("community:follow_category", args=["outils"]), {"on": "1"})
    assert other.community_follows.count() == 2
    client.post(reverse("community:follow_thread", args=[thread.pk]), {"on": "0"})
    assert other.community_follows.count() == 1
    assert client.get(reverse("community:follow_thread", args=[thread.pk])).status_code == 405


def test_report_page(client, answered, other, helper, django_assert_max_num_queries):
    url = reverse("community:report", args=[answered.pk])
    assert client.get(url).status_code == 302  # visitors log in first
    client.force_login(other)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    client.post(url, {"reason": "Publicité déguisée"})
    assert Report.objects.open().count() == 1


def test_notifications_page_and_preference(client, thread, asker, helper, django_assert_max_num_queries):
    reply(thread, helper)
    client.force_login(asker)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("community:notifications")).content.decode()
    assert thread.title in page
    client.post(reverse("community:preference"), {"email": "immediate"})
    assert services.email_preference(asker) == "immediate"
    response = client.post(reverse("community:preference"), {"email": "souvent"})
    assert response.status_code == 400
    client.post(reverse("community:notifications_read"))
    assert not asker.community_notifications.unread().exists()


def test_notifications_are_refused_to_visitors(client, db):
    assert client.get(reverse("community:notifications")).status_code == 302


def test_dashboard_shows_the_community_panel_in_bounded_queries(client, thread, asker, helper, other):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reply(thread, helper)
    client.force_login(asker)
    client.get(reverse("accounts:dashboard"))
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "L'entraide" in page and reverse("community:notifications") in page
    for i in range(8):
        reply(ask(asker, title=f"Encore une question {i}"), other)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:dashboard"))
    assert len(many) == len(few)


# --- Moderation pages ---------------------------------------------------------------------------------


def test_moderation_queue_is_for_moderators_only(client, answered, other, formateur, django_assert_max_num_queries):
    services.report(answered, by=other, reason="Insulte")
    client.force_login(other)
    assert client.get(reverse("community:moderation")).status_code == 404
    assert client.get(reverse("community:moderate", args=[answered.pk])).status_code == 404
    client.force_login(formateur)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("community:moderation")).content.decode()
    assert "Insulte" in page
    with django_assert_max_num_queries(10):
        assert client.get(reverse("community:moderate", args=[answered.pk])).status_code == 200


def test_moderate_form_keeps_input_and_acts(client, answered, formateur):
    client.force_login(formateur)
    url = reverse("community:moderate", args=[answered.pk])
    response = client.post(url, {"action": "hide", "reason": ""})
    assert response.status_code == 400
    client.post(url, {"action": "hide", "reason": "Hors charte"})
    answered.refresh_from_db()
    assert answered.status == Post.Status.HIDDEN
    response = client.post(url, {"action": "hide", "reason": "Encore"})
    assert response.status_code == 400 and "déjà masqué" in response.content.decode()
    assert AuditLog.objects.filter(action="community.hide").count() == 1


def test_lock_from_the_thread_page(client, thread, formateur, other):
    url = reverse("community:lock", args=[thread.pk])
    client.force_login(other)
    assert client.post(url, {"reason": "x", "locked": "1"}).status_code == 404
    client.force_login(formateur)
    client.post(url, {"reason": "Résolu", "locked": "1"})
    thread.refresh_from_db()
    assert thread.is_locked


def test_moderators_page_is_for_the_team(client, formateur, other, django_assert_max_num_queries):
    client.force_login(other)
    assert client.get(reverse("community:moderators")).status_code == 403
    compagnon = settled(UserFactory(compagnon=True, email="modo@exemple.test"))
    client.force_login(formateur)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("community:moderators")).status_code == 200
    client.post(reverse("community:moderators"), {"email": "modo@exemple.test", "reason": "Volontaire"})
    assert services.permissions.is_moderator(compagnon)
    client.post(reverse("community:moderator_revoke", args=[compagnon.pk]))
    assert not services.permissions.is_moderator(compagnon)


def test_categories_page_is_for_the_team(client, formateur, other, django_assert_max_num_queries):
    client.force_login(other)
    assert client.get(reverse("community:categories")).status_code == 403
    client.force_login(formateur)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("community:categories")).status_code == 200
    client.post(
        reverse("community:categories"),
        {"name": "Formation", "slug": "formation", "description": "", "visibility": "members", "position": 60},
    )
    assert category("formation").visibility == "members"


def test_markdown_is_shown_as_html_and_scripts_never(client, asker):
    thread = ask(asker, body='**gras** <script>alert("x")</script> <iframe src="https://x.test"></iframe>')
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "<strong>gras</strong>" in page
    assert 'alert("x")' not in page and "<iframe" not in page
    history = client.get(reverse("community:history", args=[question_of(thread).pk])).content.decode()
    assert "<strong>gras</strong>" in history


def _urls(thread, post):
    return {
        "thread_new": ("get", reverse("community:thread_new", args=["entraide"])),
        "answer": ("get", reverse("community:answer", args=[thread.pk])),
        "answer_post": ("post", reverse("community:answer", args=[thread.pk])),
        "follow_thread": ("post", reverse("community:follow_thread", args=[thread.pk])),
        "follow_category": ("post", reverse("community:follow_category", args=["entraide"])),
        "mark": ("post", reverse("community:mark", args=[thread.pk, post.pk])),
        "unmark": ("post", reverse("community:unmark", args=[thread.pk, post.pk])),
        "edit": ("get", reverse("community:edit", args=[post.pk])),
        "report": ("get", reverse("community:report", args=[post.pk])),
        "notifications": ("get", reverse("community:notifications")),
        "notifications_read": ("post", reverse("community:notifications_read")),
        "preference": ("post", reverse("community:preference")),
        "moderation": ("get", reverse("community:moderation")),
        "moderate": ("get", reverse("community:moderate", args=[post.pk])),
        "lock": ("post", reverse("community:lock", args=[thread.pk])),
        "moderators": ("get", reverse("community:moderators")),
        "moderator_revoke": ("post", reverse("community:moderator_revoke", args=[post.author_id])),
        "categories": ("get", reverse("community:categories")),
        "category_edit": ("get", reverse("community:category_edit", args=["entraide"])),
        "category_remove": ("get", reverse("community:category_remove", args=["entraide"])),
        "category_remove_post": ("post", reverse("community:category_remove", args=["entraide"])),
        "category_restore": ("post", reverse("community:category_restore", args=["entraide"])),
    }


def test_every_member_page_sends_visitors_to_log_in(client, thread, answered):
    for name, (method, url) in _urls(thread, answered).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("account_login") in response.url, name


def test_team_and_moderation_pages_are_refused_to_members(client, thread, answered, other):
    client.force_login(other)
    team_pages = ("moderators", "moderator_revoke", "categories", "category_edit", "category_remove")
    for name in ("moderation", "moderate", "lock", *team_pages, "category_remove_post", "category_restore"):
        method, url = _urls(thread, answered)[name]
        data = {"reason": "x", "confirm": "on"}
        assert getattr(client, method)(url, data).status_code in (403, 404), name
    assert category("entraide").archived_at is None


def test_a_hidden_posts_address_is_refused_to_others(client, answered, formateur, other):
    services.moderate(answered, "hide", by=formateur, reason="Spam")
    client.force_login(other)
    assert client.get(reverse("community:post", args=[answered.pk])).status_code == 404
    assert client.get(reverse("community:report", args=[answered.pk])).status_code == 404
    client.force_login(formateur)
    assert client.get(reverse("community:post", args=[answered.pk])).status_code == 302


@pytest.mark.parametrize("edits", [1, 6])
def test_new_thread_history_and_post_link_in_bounded_queries(
    client, thread, asker, edits, django_assert_max_num_queries
):
    question = question_of(thread)
    for i in range(edits):
        services.edit_post(question, by=asker, body=f"Version {i}")
    client.force_login(asker)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("community:thread_new", args=["entraide"])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("community:history", args=[question.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("community:post", args=[question.pk])).status_code == 302


def test_the_community_pages_speak_english(client, thread, asker):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Mutual help" in client.get(reverse("community:index")).content.decode()
    client.force_login(asker)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Ask a question" in client.get(reverse("community:category", args=["entraide"])).content.decode()
