"""The mission bank's periodic jobs: thin tasks over the services, registered with the core scheduler (which
discovers this module by name). The digest's e-mails themselves are `notifications.send_digest`."""

from datetime import timedelta

from django.tasks import task

from compagnons.core import scheduler
from compagnons.missions import services
from compagnons.missions.notifications import send_digest


@task
def expire_missions() -> int:
    return services.expire_missions()


@task
def auto_accept_deliveries() -> int:
    return services.auto_accept_deliveries()


@task
def send_digests(digest: str = "daily") -> int:
    """New missions to their best matches, for members who chose this frequency (announcements recorded first:
    never twice)."""
    per_member = services.announce_new_missions(digest=digest)
    for member_id, mission_ids in per_member.items():
        send_digest.enqueue(member_id, mission_ids)
    return len(per_member)


@task
def send_weekly_digests() -> int:
    return send_digests.call("weekly")


scheduler.register(expire_missions, every=timedelta(hours=6))
scheduler.register(auto_accept_deliveries, every=timedelta(hours=6))
scheduler.register(send_digests, every=timedelta(days=1))
scheduler.register(send_weekly_digests, every=timedelta(days=7))
