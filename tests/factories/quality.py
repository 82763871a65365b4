"""Quality: complaints filed through quality's services, surveys, and a closed mission to survey its client."""

from datetime import timedelta

from django.utils import timezone

from compagnons.missions.models import Mission
from compagnons.quality import services
from compagnons.quality.models import Complaint, Survey
from tests.factories.missions import MissionFactory


def file_complaint(by=None, *, ip="10.0.0.1", **fields) -> Complaint:
    """A complaint filed through `file_complaint`: by a member (`by`), or else by a visitor with a name and address."""
    fields.setdefault("subject", "Mission non livrée")
    fields.setdefault("body", "Ce qui s'est passé.")
    if by is None:
        fields.setdefault("name", "Agnès Visiteuse")
        fields.setdefault("email", "agnes@exemple.test")
    return services.file_complaint(by=by, ip=ip, **fields)


def make_survey(person, enrollment, *, kind=Survey.Kind.PATH_HOT, audience=Survey.Audience.APPRENTICE, **extra):
    """A survey opened yesterday for `person` about `enrollment`, open 40 days. Written directly: the daily job
    (`create_due_surveys`) decides by dates which surveys exist, and a test wants this one, with these dates."""
    now = timezone.now()
    defaults = {"event_at": now - timedelta(days=1), "closes_at": now + timedelta(days=40)}
    defaults.update(extra)
    return Survey.objects.create(
        kind=kind, audience=audience, person=person, enrollment=enrollment, cohort=enrollment.cohort, **defaults
    )


def closed_mission(client, *, title="Refonte d'une plaquette", closed_at=None) -> Mission:
    """A mission of `client` taken through the services to its accepted delivery; `closed_at`: closed then
    (default: a day ago)."""
    mission = MissionFactory(client=client, title=title, closed=True)
    Mission.objects.filter(pk=mission.pk).update(closed_at=closed_at or timezone.now() - timedelta(days=1))
    mission.refresh_from_db()
    return mission
