from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from compagnons.accounts.services import erase_account, export_personal_data
from compagnons.community import search
from compagnons.community.models import Follow, Notification, Post, Thread
from compagnons.ledger.models import Transaction
from tests.factories.community import ask, reply


def test_posts_are_exported(asker, thread):
    data = export_personal_data(asker, by=asker)
    posts = data["community"]["posts"]
    assert posts[0]["title"] == thread.title and posts[0]["body"] == "Je débute et j'hésite."


def test_on_erasure_posts_stay_and_show_a_former_member(client, thread, answered, helper, asker, other):
    reply(thread, other, body="Comme le dit @Jean-Pierre Dubois, comptez vos heures.")
    erase_account(helper, by=helper)
    answered.refresh_from_db()
    assert answered.body == "Comptez vos heures, puis ajoutez une marge."  # the post stays
    assert not Follow.objects.filter(member=helper).exists()
    assert not Notification.objects.filter(recipient=helper).exists()
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "ancien membre" in page and "Dubois" not in page
    mention = Post.objects.get(author=other)
    assert "Dubois" not in mention.body and "ancien membre" in mention.body
    assert search.search("dubois", asker).posts == []  # gone from the index too
    ask(asker, title="Encore une question ensuite")  # the forum goes on


@override_settings(DEBUG=True)
def test_demo_has_a_dozen_threads_and_one_helpful_answer_credited(db):
    call_command("seed_demo", verbosity=0)
    assert Thread.objects.count() >= 12
    assert Post.objects.filter(helpful=True).count() == 1
    assert Transaction.objects.filter(kind="community").count() == 1
    call_command("community_audit", stdout=StringIO())  # the demo writes through the services: counts agree


def test_a_visitor_never_sees_an_authors_email_address(client, thread, asker):
    """An account without a name (made by the team, or whose name was cleared) is not shown by its e-mail address:
    the forum's pages are public."""
    from tests.community.conftest import settled
    from tests.factories import UserFactory

    nameless = settled(UserFactory(apprentice=True, first_name="", last_name="", email="sans.nom@exemple.test"))
    reply(thread, nameless, body="Je réponds sans nom.")
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Je réponds sans nom." in page
    assert "sans.nom@exemple.test" not in page and "Membre des compagnons" in page
