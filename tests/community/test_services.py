from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from compagnons.accounts.models import CharterVersion
from compagnons.accounts.services import publish_charter
from compagnons.community import services
from compagnons.community.models import HelpfulMark, Notification, Post, Revision, Thread
from compagnons.core.exceptions import InvalidTransition, PermissionRefused, Refused
from compagnons.core.models import AuditLog
from compagnons.ledger.models import Account, Transaction
from compagnons.ledger.services import account_of
from tests.community.conftest import settled
from tests.factories import UserFactory
from tests.factories.community import ask, category, question_of, reply


def balance(user):
    account_of(user)  # opened (with its welcome grant) on first use
    return Account.objects.get(owner=user).cached_balance


# --- Writing ----------------------------------------------------------------------------------------


def test_a_question_opens_a_thread_with_its_first_post(asker):
    thread = ask(asker, title="Portage ou micro-entreprise ?", body="**Lequel** choisir ?")
    question = question_of(thread)
    assert question.search_title == "Portage ou micro-entreprise ?"
    assert "<strong>Lequel</strong>" in question.body_html
    assert thread.answer_count == 0 and thread.hidden_at is None
    assert AuditLog.objects.filter(action="community.thread_created").exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * 20_001])
def test_empty_or_huge_posts_are_refused_and_nothing_is_written(asker, body):
    with pytest.raises(InvalidTransition):
        ask(asker, body=body)
    assert not Thread.objects.exists()


def test_a_short_title_is_refused(asker):
    with pytest.raises(InvalidTransition):
        ask(asker, title="Aide")


def test_script_and_iframe_never_reach_the_page(thread, helper):
    post = reply(thread, helper, body='<script>alert("x")</script><iframe src="https://x"></iframe> Merci')
    assert "<script" not in post.body_html and "<iframe" not in post.body_html
    assert post.body.startswith("<script>")  # what was typed is kept, only the rendering is cleaned


def test_an_answer_counts_and_follows(thread, helper):
    reply(thread, helper)
    thread.refresh_from_db()
    assert thread.answer_count == 1
    assert helper.community_follows.filter(thread=thread).exists()


def test_no_answer_in_a_locked_thread(thread, helper, formateur):
    services.lock_thread(thread, by=formateur, reason="Hors sujet")
    with pytest.raises(InvalidTransition, match="fermée"):
        reply(thread, helper)
    assert not Post.objects.filter(thread=thread, is_question=False).exists()


def test_a_member_who_has_not_accepted_the_current_charter_cannot_post(asker, formateur, thread):
    charter = CharterVersion.objects.create(version=99, title="Charte v99", body="Code de conduite")
    publish_charter(charter, by=formateur)
    with pytest.raises(PermissionRefused, match="charte"):
        reply(thread, asker)
    with pytest.raises(PermissionRefused):
        ask(asker)


def test_a_quote_must_come_from_the_same_thread(thread, helper, asker):
    elsewhere = ask(asker, title="Une autre question ici")
    with pytest.raises(InvalidTransition):
        reply(thread, helper, quoting=question_of(elsewhere))
    post = reply(thread, helper, body=services.quote(question_of(thread)) + "Oui.", quoting=question_of(thread))
    assert post.quoting_id == question_of(thread).pk
    assert "<blockquote>" in post.body_html


def test_edits_are_kept_as_history(thread, asker):
    question = question_of(thread)
    services.edit_post(question, by=asker, body="Nouveau texte", title="Un titre plus précis")
    question.refresh_from_db()
    thread.refresh_from_db()
    assert thread.title == "Un titre plus précis" and question.search_title == thread.title
    revision = Revision.objects.get(post=question)
    assert revision.body == "Je débute et j'hésite." and revision.title == "Comment chiffrer un premier devis ?"
    assert question.edited_at is not None


def test_only_the_author_or_a_moderator_edits(answered, other, formateur):
    with pytest.raises(PermissionRefused):
        services.edit_post(answered, by=other, body="Vandale")
    services.edit_post(answered, by=formateur, body="Corrigé par la modération")


# --- Newcomers ----------------------------------------------------------------------------------------


def test_new_accounts_are_rate_limited(thread, settings):
    newcomer = UserFactory()
    for _ in range(services.NEW_POSTS_PER_HOUR):
        reply(thread, newcomer)
    with pytest.raises(PermissionRefused, match="plus tard"):
        reply(thread, newcomer)
    assert Post.objects.filter(author=newcomer).count() == services.NEW_POSTS_PER_HOUR


def test_a_settled_member_has_a_wider_limit(thread, helper):
    for _ in range(services.NEW_POSTS_PER_HOUR + 1):
        reply(thread, helper)


def test_links_in_a_newcomers_first_post_are_held_for_review(thread, formateur):
    newcomer = UserFactory()
    post = reply(thread, newcomer, body="Voyez https://promo.exemple")
    assert post.status == Post.Status.HELD
    thread.refresh_from_db()
    assert thread.answer_count == 0
    services.moderate(post, "approve", by=formateur, reason="Lien utile")
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.status == Post.Status.VISIBLE and thread.answer_count == 1
    # Once a post is published, the next link passes.
    assert reply(thread, newcomer, body="Et https://autre.exemple").status == Post.Status.VISIBLE


def test_a_newcomers_question_with_a_link_hides_its_thread_until_approved(formateur):
    newcomer = UserFactory()
    thread = ask(newcomer, body="Regardez www.exemple.test")
    assert thread.hidden_at is not None
    services.moderate(question_of(thread), "approve", by=formateur, reason="OK")
    thread.refresh_from_db()
    assert thread.hidden_at is None


# --- « Cette réponse m'a aidé » -------------------------------------------------------------------------


def test_marking_credits_the_author_and_unmarking_reverses_it(thread, answered, asker, helper, settings):
    before = balance(helper)
    services.mark_helpful(answered, thread=thread, by=asker)
    assert balance(helper) == before + settings.LEDGER_COMMUNITY_ANSWER_MINUTES
    credit = Transaction.objects.get(kind=Transaction.Kind.COMMUNITY)
    assert credit.beneficiary == helper and credit.idempotency_key == f"community:{answered.pk}:1"
    thread.refresh_from_db()
    assert thread.has_helpful

    services.unmark_helpful(answered, thread=thread, by=asker)
    assert balance(helper) == before
    credit.refresh_from_db()
    assert credit.state == Transaction.State.REVERSED  # the credit itself is never edited in amount
    assert Transaction.objects.filter(kind=Transaction.Kind.REVERSAL, reverses=credit).count() == 1

    # Marking again after unmarking credits anew, under a new key.
    services.mark_helpful(answered, thread=thread, by=asker)
    assert balance(helper) == before + settings.LEDGER_COMMUNITY_ANSWER_MINUTES
    assert Transaction.objects.filter(kind=Transaction.Kind.COMMUNITY).count() == 2
    assert HelpfulMark.objects.filter(post=answered).count() == 2


def test_marking_twice_is_refused_and_credits_once(thread, answered, asker, helper):
    services.mark_helpful(answered, thread=thread, by=asker)
    with pytest.raises(InvalidTransition, match="déjà marquée"):
        services.mark_helpful(answered, thread=thread, by=asker)
    assert Transaction.objects.filter(kind=Transaction.Kind.COMMUNITY).count() == 1


def test_unmarking_twice_is_refused_and_reverses_once(thread, answered, asker):
    services.mark_helpful(answered, thread=thread, by=asker)
    services.unmark_helpful(answered, thread=thread, by=asker)
    with pytest.raises(InvalidTransition):
        services.unmark_helpful(answered, thread=thread, by=asker)
    assert Transaction.objects.filter(kind=Transaction.Kind.REVERSAL).count() == 1


def test_marking_an_answer_of_another_thread_is_refused(thread, answered, asker):
    elsewhere = ask(asker, title="Une autre question encore")
    with pytest.raises(InvalidTransition, match="n'appartient pas"):
        services.mark_helpful(answered, thread=elsewhere, by=asker)
    assert not Transaction.objects.filter(kind=Transaction.Kind.COMMUNITY).exists()


def test_one_helpful_answer_per_thread(thread, answered, asker, other):
    second = reply(thread, other)
    services.mark_helpful(answered, thread=thread, by=asker)
    with pytest.raises(InvalidTransition, match="Une autre réponse"):
        services.mark_helpful(second, thread=thread, by=asker)


def test_only_the_asker_or_the_team_marks(thread, answered, other, formateur):
    with pytest.raises(PermissionRefused):
        services.mark_helpful(answered, thread=thread, by=other)
    services.mark_helpful(answered, thread=thread, by=formateur)


def test_neither_the_question_nor_ones_own_answer_is_marked(thread, asker):
    with pytest.raises(Refused):
        services.mark_helpful(question_of(thread), thread=thread, by=asker)
    own = reply(thread, asker)
    with pytest.raises(InvalidTransition):
        services.mark_helpful(own, thread=thread, by=asker)


# --- Following, mentions, notifications -------------------------------------------------------------------


def test_followers_and_mentioned_members_are_notified(thread, asker, helper, other, django_capture_on_commit_callbacks):
    services.set_email_preference(asker, "immediate", by=asker)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, helper, body="Demandez aussi à @Nina Roux, elle connaît.")
    assert Notification.objects.get(recipient=asker, kind="answer")
    assert Notification.objects.get(recipient=other, kind="mention")
    assert not Notification.objects.filter(recipient=helper).exists()
    assert [m.to for m in mail.outbox] == [[asker.email]]  # Nina chose the weekly digest (the default)


def test_category_followers_hear_of_new_questions(asker, other):
    services.set_follow(by=other, category=category("outils"), on=True)
    ask(asker, slug="outils", title="Quel outil de facturation ?")
    assert Notification.objects.filter(recipient=other, kind="thread").exists()


def test_the_email_preference_of_accounts_wins(thread, asker, helper, django_capture_on_commit_callbacks):
    services.set_email_preference(asker, "immediate", by=asker)
    type(asker).objects.filter(pk=asker.pk).update(notify_by_email=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, helper)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=asker).exists()  # still in « Mon espace »


def test_weekly_digest_sends_once(thread, asker, helper):
    from compagnons.community.jobs import send_weekly_digests

    reply(thread, helper)
    mail.outbox.clear()
    send_weekly_digests.call()
    send_weekly_digests.call()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [asker.email]
    assert "cette semaine" in mail.outbox[0].body


# --- Reports and moderation --------------------------------------------------------------------------------


def test_report_then_hide_tells_the_author_why(
    answered, other, formateur, helper, thread, django_capture_on_commit_callbacks
):
    services.report(answered, by=other, reason="Propos blessants")
    with pytest.raises(InvalidTransition):
        services.report(answered, by=other, reason="Encore")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action = services.moderate(answered, "hide", by=formateur, reason="Ton agressif, contraire à la charte")
    answered.refresh_from_db()
    thread.refresh_from_db()
    assert answered.status == Post.Status.HIDDEN and thread.answer_count == 0
    assert answered.reports.open().count() == 0
    note = Notification.objects.get(recipient=helper, kind="moderation")
    assert note.action == action
    assert "Ton agressif" in mail.outbox[0].body
    assert AuditLog.objects.filter(action="community.hide").exists()


def test_moderation_needs_a_reason_and_a_moderator(answered, other, formateur):
    with pytest.raises(PermissionRefused):
        services.moderate(answered, "hide", by=other, reason="Non")
    with pytest.raises(InvalidTransition):
        services.moderate(answered, "hide", by=formateur, reason="  ")


def test_a_compagnon_granted_moderation_moderates(answered, formateur, other):
    moderator = settled(UserFactory(compagnon=True))
    with pytest.raises(PermissionRefused):
        services.moderate(answered, "warn", by=moderator, reason="Attention")
    services.grant_moderator(moderator, by=formateur, reason="Volontaire")
    services.moderate(answered, "warn", by=moderator, reason="Attention au ton")
    with pytest.raises(InvalidTransition):
        services.grant_moderator(other, by=formateur, reason="Pas compagnon")


def test_hide_then_restore(answered, formateur, thread):
    services.moderate(answered, "hide", by=formateur, reason="Erreur ?")
    services.moderate(answered, "restore", by=formateur, reason="Finalement correct")
    thread.refresh_from_db()
    assert thread.answer_count == 1


def test_lock_and_unlock(thread, formateur):
    services.lock_thread(thread, by=formateur, reason="Résolu")
    with pytest.raises(InvalidTransition):
        services.lock_thread(thread, by=formateur, reason="Encore")
    services.lock_thread(thread, by=formateur, reason="Rouverte", locked=False)
    thread.refresh_from_db()
    assert thread.locked_at is None


def test_unanswered_threads_are_a_way_to_give_back(thread, helper):
    from compagnons.ledger.giveback import ways_for

    labels = {way.label: way.count for way in ways_for(helper)}
    assert labels["Des questions de l'entraide attendent une première réponse"] == 1
    reply(thread, helper)
    assert all("entraide" not in way.label for way in ways_for(helper))


def test_old_accounts_are_not_newcomers(asker):
    assert not services.is_newcomer(asker)
    asker.date_joined = timezone.now() - timedelta(days=1)
    assert services.is_newcomer(asker)


def test_every_moderation_action_is_audited_with_its_reason_and_told_to_the_author(answered, thread, formateur, helper):
    services.moderate(answered, "warn", by=formateur, reason="Motif avertir")
    services.moderate(answered, "hide", by=formateur, reason="Motif masquer")
    services.moderate(answered, "restore", by=formateur, reason="Motif rétablir")
    services.moderate(answered, "dismiss", by=formateur, reason="Motif classer")
    services.lock_thread(thread, by=formateur, reason="Motif fermer")
    services.lock_thread(thread, by=formateur, reason="Motif rouvrir", locked=False)
    for kind, reason in [
        ("warn", "Motif avertir"),
        ("hide", "Motif masquer"),
        ("restore", "Motif rétablir"),
        ("dismiss", "Motif classer"),
        ("lock", "Motif fermer"),
        ("unlock", "Motif rouvrir"),
    ]:
        assert AuditLog.objects.filter(action=f"community.{kind}", data__reason=reason).count() == 1, kind
    told = Notification.objects.filter(recipient=helper, kind="moderation").values_list("action__reason", flat=True)
    assert {"Motif avertir", "Motif masquer", "Motif rétablir"} <= set(told)
    assert "Motif classer" not in told  # a dismissed report is not the author's business
