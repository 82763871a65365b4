"""Missions: a mission posted by its client, then taken through missions' services as far as a test needs it."""

from datetime import timedelta

import factory
from django.utils import timezone

from compagnons.accounts.models import Role
from compagnons.missions import services
from compagnons.missions.models import Mission, WorkerProfile
from compagnons.skills.models import Certification
from tests.factories.accounts import UserFactory

CHECKLIST = dict.fromkeys(services.QUALIFICATION_CHECKLIST, True)
# How far each state is from a draft, in the order the services take a mission.
STATES = ("draft", "submitted", "published", "assigned", "closed")


def declare(member, legal_status="micro", **extra) -> WorkerProfile:
    """The member's declared status (« Mon statut »): micro-entreprise with a SIRET by default."""
    if legal_status == "micro":
        extra.setdefault("siret", "73282932000074")
    return WorkerProfile.objects.create(member=member, legal_status=legal_status, **extra)


class MissionFactory(factory.django.DjangoModelFactory):
    """A mission as its client posts it (the form saves a draft), with two competences of the current certification.
    Traits take it further through the services: `submitted` (`submit`), `published` (qualified by `qualified_by`,
    staff), `assigned` (`worker`, a declared compagnon, applies and is chosen), `closed` (started, delivered,
    accepted by the client)."""

    class Meta:
        model = Mission

    class Params:
        submitted = factory.Trait(state="submitted")
        published = factory.Trait(state="published")
        assigned = factory.Trait(state="assigned")
        closed = factory.Trait(state="closed")

    client = factory.SubFactory(UserFactory, roles=[Role.CLIENT])
    title = "Tenir l'agenda d'un cabinet"
    context = "Un cabinet de trois kinés."
    deliverables = "Un agenda à jour chaque soir."
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    budget_cents = 30_000
    estimated_hours = 10
    # Read by _create, not model fields: the competences (default: the first two of the current certification),
    # the state to reach, the staff member who qualifies it, the member who does it.
    competences = None
    state = "draft"
    qualified_by = None
    worker = None

    @classmethod
    def _create(cls, model_class, *args, competences=None, state="draft", qualified_by=None, worker=None, **kwargs):
        mission = super()._create(model_class, *args, **kwargs)
        if competences is None:
            competences = Certification.objects.current().competences.order_by("block__position", "position")[:2]
        mission.competences.set(competences)
        return advance(mission, state, qualified_by=qualified_by, worker=worker)


def advance(mission, state, *, qualified_by=None, worker=None) -> Mission:
    """Take a draft through the services up to `state` (one of STATES)."""
    goal = STATES.index(state)
    if goal >= 1:
        services.submit(mission, by=mission.client)
    if goal >= 2:
        services.publish(mission, by=qualified_by or UserFactory(formateur=True), checklist=CHECKLIST)
    if goal >= 3:
        if worker is None:
            worker = UserFactory(compagnon=True)
            declare(worker)
        application = services.apply(mission, worker, message="Je suis disponible.")
        services.choose(application, by=mission.client)
    if goal >= 4:
        services.start(mission, by=worker)
        services.deliver(mission, by=worker, note="Livré")
        services.accept_delivery(mission, by=mission.client)
    mission.refresh_from_db()
    return mission
