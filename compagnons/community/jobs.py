"""The community's periodic jobs: the weekly digest, one task per member who has unread, un-e-mailed
notifications and chose the weekly digest (the task checks the choice again); on SQLite, the search's list of words
pruned to those the index still holds (community/search.py)."""

from datetime import timedelta

from django.db.models import Q
from django.tasks import task

from compagnons.community import search
from compagnons.community.models import Notification, Preference
from compagnons.community.notifications import send_weekly_digest
from compagnons.core import scheduler


@task
def send_weekly_digests() -> int:
    immediate_or_none = Preference.objects.filter(~Q(email=Preference.Email.WEEKLY)).values("member_id")
    members = (
        Notification.objects.filter(emailed_at=None, read_at=None, recipient__notify_by_email=True)
        .exclude(recipient_id__in=immediate_or_none)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    count = 0
    for member_id in members.iterator():
        send_weekly_digest.enqueue(member_id)
        count += 1
    return count


scheduler.register(send_weekly_digests, every=timedelta(days=7))


@task
def forget_unindexed_search_words() -> int:
    return search.forget_unindexed_words()


scheduler.register(forget_unindexed_search_words, every=timedelta(days=7))
