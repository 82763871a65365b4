"""The primary keys in the paths of the bench pages: `manage.py seed_scale --ids` prints them (JSON) for
bench/run.py, which does not import Django."""

from bench import BENCH_APPRENTICE, BENCH_CLIENT, BENCH_COMPAGNON
from bench.scale.certification import bench_credential, bench_jury
from bench.scale.community import bench_thread
from bench.scale.funding_invoices import bench_invoice
from bench.scale.learning import bench_scenario_ids
from compagnons.accounts.models import User
from compagnons.apprenticeship.models import Enrollment
from compagnons.certification.models import Decision
from compagnons.coaching.models import CoachingProfile
from compagnons.missions.models import Mission
from compagnons.showcase.models import Profile
from compagnons.skills.models import Positioning


def bench_ids() -> dict[str, int | str | None]:
    """The keys in the paths of the bench pages (bench/run.py gets them from `seed_scale --ids`):
    bench-apprenti, bench-compagnon, bench-apprenti's latest reviewed bilan, their cohort, bench-client's
    published mission, the slug of bench-compagnon's published mini-site, bench-formateur's deliberated jury, its
    first decision and the uuid of a credential it issued."""
    apprentice = User.objects.get(email=BENCH_APPRENTICE)
    reviewed = Positioning.objects.filter(member=apprentice, status=Positioning.Status.REVIEWED)
    jury, credential = bench_jury(), bench_credential()
    return {
        "apprentice": apprentice.pk,
        "compagnon": User.objects.get(email=BENCH_COMPAGNON).pk,
        "positioning": reviewed.order_by("-started_at").values_list("pk", flat=True).first(),
        "cohort": Enrollment.objects.active().filter(member=apprentice).values_list("cohort_id", flat=True).first(),
        "mission": Mission.objects.filter(client__email=BENCH_CLIENT, status=Mission.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        "profile": Profile.objects.published()
        .filter(member__email=BENCH_COMPAGNON)
        .values_list("slug", flat=True)
        .first(),
        "jury": jury.pk if jury else None,
        "decision": Decision.objects.filter(candidacy__session=jury).order_by("pk").values_list("pk", flat=True).first()
        if jury
        else None,
        "credential": str(credential.uuid) if credential else None,
        "coaching_feed": CoachingProfile.objects.filter(user__email=BENCH_COMPAGNON)
        .values_list("feed_token", flat=True)
        .first(),
        "thread": getattr(bench_thread(), "pk", None),
        "invoice": bench_invoice(),
        **bench_scenario_ids(),
    }
