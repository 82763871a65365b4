"""Missions: the clients' missions, the applications, what attributed missions leave behind (deliveries,
testimonials, attestations), and bench-client's missions."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from bench import BENCH_CLIENT, BENCH_COMPAGNON, BENCH_FORMATEUR
from bench.scale.registry import SCALE_EMAILS, ScaleContext, bulk_linked, days_ago, role_ids, seeder
from bench.scale.skills import Source, current_competences
from compagnons.accounts.models import Role, User
from compagnons.missions.models import Application, Attestation, Delivery, Mission, Testimonial, WorkerProfile
from compagnons.skills.models import Assessment, Certification, Level, Trade

# Shares of `ctx.users`; at 100,000 members: 50,000 missions posted by the clients, 5,000 of them open
# (published in the last 60 days), 200,000 applications.
MISSION_SHARE = 2
OPEN_MISSION_SHARE = 20
APPLICATIONS_PER_MEMBER = 2
RECORDS_SHARE = 5  # 1 closed mission in 5 has testimonials both ways and the client's attestation
MS = Mission.Status
AS = Application.Status
# The missions that are not open: (statuses, weights). Expired ones never had an application.
PAST_STATUSES = (
    [MS.CLOSED, MS.CANCELLED, MS.EXPIRED, MS.DRAFT, MS.SUBMITTED, MS.ASSIGNED, MS.IN_PROGRESS, MS.DELIVERED],
    [62, 9, 10, 7, 2, 3, 4, 3],
)
WORKED = (MS.ASSIGNED, MS.IN_PROGRESS, MS.DELIVERED, MS.CLOSED)  # one chosen application each
ENDED = (MS.CLOSED, MS.CANCELLED, MS.EXPIRED)
OPEN_APPLICATION_STATUSES = ([AS.SENT, AS.SHORTLISTED, AS.DRAFT, AS.WITHDRAWN], [70, 18, 6, 6])
BENCH_MISSION_TITLE = "Gestion d'agenda et prise de rendez-vous pour un cabinet de kinésithérapie"
BENCH_MISSION_APPLICATIONS = 20
BENCH_SIRET = "73282932000074"

MISSION_TITLES = [
    "Gestion d'agenda pour un cabinet médical",
    "Standard téléphonique à distance",
    "Saisie et classement de factures fournisseurs",
    "Mise en page d'une plaquette associative",
    "Relecture de fiches produits",
    "Site vitrine pour une boulangerie",
    "Transcription d'entretiens",
    "Animation des réseaux sociaux d'une librairie",
    "Relances clients et suivi des impayés",
    "Traduction d'une brochure touristique",
    "Tenue de l'agenda d'un artisan",
    "Prise de rendez-vous pour un cabinet d'avocats",
    "Gestion des inscriptions d'une association",
    "Montage d'une vidéo de présentation",
]
MISSION_CONTEXTS = [
    "Une petite structure qui a besoin d'un coup de main fiable.",
    "Un cabinet de trois praticiens débordé par les appels et les rendez-vous.",
    "Une association qui prépare sa rentrée et ses inscriptions.",
    "Un artisan qui veut se consacrer à ses chantiers plutôt qu'à l'administratif.",
]
MISSION_DELIVERABLES = [
    "Le travail livré dans un format modifiable, avec une courte note.",
    "Un tableau de suivi à jour et un compte rendu hebdomadaire.",
    "Les fichiers sources et une version prête à imprimer.",
]
APPLICATION_MESSAGES = [
    "Bonjour, je suis disponible dès la semaine prochaine ; je propose un point de cadrage de 30 minutes.",
    "J'ai déjà tenu l'agenda d'un cabinet pendant deux ans. Quelles sont vos plages d'ouverture ?",
    "Je peux livrer une première version sous huit jours, puis ajuster avec vous.",
]


def _scale_missions() -> models.QuerySet:
    return Mission.objects.filter(client__email__endswith=SCALE_EMAILS)


def _mission_worker_ids() -> list[int]:
    """The apprentices and compagnons among the scale members: who applies."""
    return sorted(set(role_ids(Role.APPRENTICE)) | set(role_ids(Role.COMPAGNON)))


def _competences_by_trade(competences: list[int]) -> dict[int, list[int]]:
    """trade → the compétences it typically calls for (all of them when the trade lists none)."""
    by_code = dict(Certification.objects.current().competences.values_list("code", "pk"))
    return {
        pk: [by_code[c] for c in codes if c in by_code] or competences
        for pk, codes in Trade.objects.values_list("pk", "competence_codes")
    }


def _new_mission(ctx: ScaleContext, client: int, status: str, trade: int | None, staff: list[int]) -> Mission:
    rng = ctx.rng
    hours = rng.choice((6, 10, 16, 20, 24, 30, 40, 60, 80, 120))
    if status == MS.PUBLISHED:
        published = days_ago(ctx, 0, 60)
    elif status in (MS.DRAFT, MS.SUBMITTED):
        published = None
    elif status in (MS.ASSIGNED, MS.IN_PROGRESS, MS.DELIVERED):
        published = days_ago(ctx, 20, 90)
    else:
        published = days_ago(ctx, 60, 1_000)
    created = (published or days_ago(ctx, 0, 90)) - timedelta(days=rng.randrange(2, 10))
    starts = timezone.localdate(published or created) + timedelta(days=rng.randrange(7, 30))
    place = rng.choices(Mission.Place.values, [70, 20, 10])[0]
    closed = None
    if status in ENDED and published:
        closed = min(ctx.now, published + timedelta(days=rng.randrange(20, 90)))
    return Mission(
        client_id=client,
        title=rng.choice(MISSION_TITLES),
        context=rng.choice(MISSION_CONTEXTS),
        deliverables=rng.choice(MISSION_DELIVERABLES),
        trade_id=trade,
        place=place,
        location="Lyon" if place == Mission.Place.ON_SITE else "",
        starts_on=starts,
        deadline=starts + timedelta(days=rng.randrange(7, 60)),
        budget_cents=hours * rng.randrange(25, 60) * 100,  # at or above the hourly floor (25 €)
        estimated_hours=hours,
        status=status,
        qualified_by_id=rng.choice(staff) if published else None,
        created_at=created,
        submitted_at=created + timedelta(days=1) if status != MS.DRAFT else None,
        published_at=published,
        closed_at=closed,
    )


@seeder("missions.missions", done=lambda ctx: _scale_missions().count() >= ctx.users // MISSION_SHARE)
def seed_missions(ctx: ScaleContext) -> int:
    """users / 2 missions from the clients: users / 20 published in the last 60 days, the others closed,
    cancelled, expired, drafts, in progress…; a trade and one to three of its compétences each."""
    rng = ctx.rng
    _certification, competences = current_competences()
    by_trade = _competences_by_trade(competences)
    trades = list(by_trade)
    clients = role_ids(Role.CLIENT)
    staff = ctx.staff_ids()
    missing = ctx.users // MISSION_SHARE - _scale_missions().count()
    published = min(missing, max(0, ctx.users // OPEN_MISSION_SHARE - _scale_missions().published().count()))
    statuses = [MS.PUBLISHED] * published + rng.choices(*PAST_STATUSES, k=missing - published)
    rng.shuffle(statuses)

    def missions():
        for status in statuses:
            trade = rng.choice(trades)
            picked = rng.sample(by_trade[trade], min(len(by_trade[trade]), rng.choice((1, 2, 3))))
            yield _new_mission(ctx, rng.choice(clients), status, trade, staff), picked

    return bulk_linked(ctx, Mission, missions())


def _application_counts(ctx: ScaleContext, missions: list[tuple], target: int) -> list[int]:
    """How many applications each mission gets, `target` in all: open ones 0–8, attributed ones 2–8 (then
    topped up), cancelled ones 0–4, the others none."""
    rng = ctx.rng
    counts = []
    for _pk, status, *_rest in missions:
        if status == MS.PUBLISHED:
            counts.append(rng.randint(0, 8))
        elif status in WORKED:
            counts.append(rng.randint(2, 8))
        else:
            counts.append(rng.randint(0, 4) if status == MS.CANCELLED else 0)
    worked = [i for i, m in enumerate(missions) if m[1] in WORKED] or [i for i, m in enumerate(missions) if m[1]]
    for i in rng.choices(worked, k=max(0, target - sum(counts))) if worked else []:
        counts[i] += 1
    excess = sum(counts) - target
    for i in sorted(worked, key=lambda _i: rng.random()):
        if excess <= 0:
            break
        cut = min(excess, counts[i] - 1)
        counts[i] -= cut
        excess -= cut
    return counts


@seeder(
    "missions.applications",
    done=lambda ctx: (
        Application.objects.filter(mission__client__email__endswith=SCALE_EMAILS).count()
        >= ctx.users * APPLICATIONS_PER_MEMBER
    ),
)
def seed_applications(ctx: ScaleContext) -> int:
    """users × 2 applications from apprentices and compagnons (one per member and mission): open ones on the
    published missions; on an attributed mission one chosen (Mission.chosen), the others not chosen or
    withdrawn; on a cancelled one, not chosen."""
    rng = ctx.rng
    workers = _mission_worker_ids()
    missions = list(
        _scale_missions()
        .filter(applications__isnull=True)
        .exclude(status__in=[MS.DRAFT, MS.SUBMITTED, MS.EXPIRED])
        .order_by("pk")
        .values_list("pk", "status", "client_id", "published_at")
    )
    have = Application.objects.filter(mission__client__email__endswith=SCALE_EMAILS).count()
    counts = _application_counts(ctx, missions, ctx.users * APPLICATIONS_PER_MEMBER - have)

    def applications():
        for (pk, status, client, published), count in zip(missions, counts, strict=True):
            applicants = [a for a in rng.sample(workers, count + 1) if a != client][:count]
            for n, applicant in enumerate(applicants):
                if status == MS.PUBLISHED:
                    state = rng.choices(*OPEN_APPLICATION_STATUSES)[0]
                elif status in WORKED:
                    state = AS.CHOSEN if n == 0 else AS.WITHDRAWN if rng.random() < 0.05 else AS.NOT_CHOSEN
                else:
                    state = AS.NOT_CHOSEN
                created = min(ctx.now, published + timedelta(seconds=rng.randrange(10 * 86_400)))
                yield Application(
                    mission_id=pk,
                    applicant_id=applicant,
                    message=rng.choice(APPLICATION_MESSAGES),
                    status=state,
                    review_requested=state == AS.DRAFT,
                    created_at=created,
                    sent_at=None if state == AS.DRAFT else created,
                )

    rows = ctx.bulk(Application, applications())
    chosen = Application.objects.filter(mission=OuterRef("pk"), status=AS.CHOSEN).values("pk")[:1]
    _scale_missions().filter(status__in=WORKED, chosen__isnull=True).update(chosen=Subquery(chosen))
    return rows


def _records_done(ctx: ScaleContext) -> bool:
    return Delivery.objects.filter(mission__client__email__endswith=SCALE_EMAILS).exists()


@seeder("missions.records", done=_records_done)
def seed_mission_records(ctx: ScaleContext) -> int:
    """What attributed missions leave behind: the chosen members' work status (declared); a delivery per
    delivered or closed mission (accepted, on time 85 %, after a request for changes 1 in 10); on 1 closed
    mission in RECORDS_SHARE, testimonials both ways and the client's attestation of each compétence (with
    the « client » assessment it feeds)."""
    rng = ctx.rng
    mission_type = ContentType.objects.get_for_model(Mission)
    worked = list(
        _scale_missions()
        .filter(status__in=[MS.DELIVERED, MS.CLOSED], chosen__isnull=False)
        .order_by("pk")
        .values_list("pk", "status", "client_id", "chosen__applicant_id", "closed_at", "published_at")
    )
    through = Mission.competences.through
    competences_of: dict[int, list[int]] = {}
    for mission, competence in through.objects.filter(mission__client__email__endswith=SCALE_EMAILS).values_list(
        "mission_id", "competence_id"
    ):
        competences_of.setdefault(mission, []).append(competence)
    chosen = set(
        Application.objects.filter(mission__client__email__endswith=SCALE_EMAILS, status=AS.CHOSEN).values_list(
            "applicant_id", flat=True
        )
    )
    chosen -= set(WorkerProfile.objects.values_list("member_id", flat=True))
    Legal = WorkerProfile.LegalStatus
    rows = ctx.bulk(
        WorkerProfile,
        (
            WorkerProfile(member_id=pk, legal_status=Legal.MICRO, siret=BENCH_SIRET)
            if rng.random() < 0.6
            else WorkerProfile(member_id=pk, legal_status=rng.choice((Legal.PORTAGE, Legal.CAE)), structure="Coopaname")
            for pk in sorted(chosen)
        ),
    )

    def deliveries():
        for pk, status, _client, worker, closed, published in worked:
            delivered = (closed or ctx.now) - timedelta(days=rng.randrange(2, 6))
            if status == MS.CLOSED and rng.random() < 0.1:
                yield Delivery(
                    mission_id=pk,
                    note="Première version.",
                    delivered_by_id=worker,
                    delivered_at=delivered - timedelta(days=7),
                    status=Delivery.Status.CHANGES,
                    answer="Il manque les relances de la dernière semaine.",
                    answered_at=delivered - timedelta(days=6),
                )
            accepted = rng.choice((Delivery.Status.ACCEPTED, Delivery.Status.ACCEPTED, Delivery.Status.AUTO_ACCEPTED))
            yield Delivery(
                mission_id=pk,
                note="Voici le travail, avec une courte note d'utilisation.",
                delivered_by_id=worker,
                delivered_at=max(delivered, published),
                status=accepted if status == MS.CLOSED else Delivery.Status.SUBMITTED,
                answered_at=closed,
                on_time=rng.random() < 0.85,
            )

    rows += ctx.bulk(Delivery, deliveries())
    recorded = [m for m in worked if m[1] == MS.CLOSED and rng.randrange(RECORDS_SHARE) == 0]

    def testimonials():
        for pk, _status, client, worker, closed, _published in recorded:
            yield Testimonial(
                mission_id=pk,
                author_id=client,
                about_id=worker,
                text="Travail soigné, rendu à temps.",
                created_at=closed,
            )
            yield Testimonial(
                mission_id=pk,
                author_id=worker,
                about_id=client,
                text="Consignes claires, paiement rapide.",
                created_at=closed,
            )

    rows += ctx.bulk(Testimonial, testimonials())
    levels = {
        Attestation.Result.YES: Level.ACQUIRED,
        Attestation.Result.PARTLY: Level.IN_PROGRESS,
        Attestation.Result.NO: Level.NOT_ACQUIRED,
    }
    results = (list(levels), [70, 25, 5])
    attestations, assessments = [], []
    for pk, _status, client, worker, closed, _published in recorded:
        for competence in competences_of.get(pk, []):
            result = rng.choices(*results)[0]
            attestations.append(
                Attestation(mission_id=pk, member_id=worker, competence_id=competence, result=result, created_at=closed)
            )
            assessments.append(
                Assessment(
                    member_id=worker,
                    competence_id=competence,
                    level=levels[result],
                    source=Source.CLIENT,
                    assessor_id=client,
                    evidence_type=mission_type,
                    evidence_id=pk,
                    assessed_at=closed,
                )
            )
    return rows + ctx.bulk(Attestation, attestations) + ctx.bulk(Assessment, assessments)


def _bench_missions_done(ctx: ScaleContext) -> bool:
    posted = Mission.objects.filter(client__email=BENCH_CLIENT, status=MS.PUBLISHED).exists()
    return posted and WorkerProfile.objects.filter(member__email=BENCH_COMPAGNON).exists()


def _bench_mission(ctx: ScaleContext, client: User, status: str, trade: Trade | None, competences: list[int]):
    mission = _new_mission(ctx, client.pk, status, trade.pk if trade else None, ctx.staff_ids())
    mission.title = BENCH_MISSION_TITLE if status == MS.PUBLISHED else mission.title
    if status == MS.PUBLISHED:
        mission.published_at = ctx.now - timedelta(days=1)
        mission.created_at = mission.submitted_at = ctx.now - timedelta(days=3)
    mission.save()
    mission.competences.set(competences)
    return mission


@seeder("missions.bench_missions", done=_bench_missions_done)
def seed_bench_missions(ctx: ScaleContext) -> int:
    """bench-client's missions: one published (the `mission` of the bench paths) with
    BENCH_MISSION_APPLICATIONS applications from members who have a record; one closed and one in progress,
    both done by bench-compagnon; a draft. bench-compagnon: declared (micro-entreprise), « acquis » or better
    on a dozen compétences (formateur and client sources), two open applications elsewhere."""
    rng = ctx.rng
    client = User.objects.get(email=BENCH_CLIENT)
    compagnon = User.objects.get(email=BENCH_COMPAGNON)
    formateur = User.objects.get(email=BENCH_FORMATEUR)
    _certification, competences = current_competences()
    trade = Trade.objects.filter(label__iexact=compagnon.trade).first()
    typical = _competences_by_trade(competences).get(trade.pk, competences) if trade else competences
    rows = 0

    WorkerProfile.objects.update_or_create(member=compagnon, defaults={"legal_status": "micro", "siret": BENCH_SIRET})
    known = list(dict.fromkeys([*typical, *competences]))[:12]
    rows += 1 + ctx.bulk(
        Assessment,
        (
            Assessment(
                member=compagnon,
                competence_id=competence,
                level=rng.choice((Level.ACQUIRED, Level.MASTERED)),
                source=Source.STAFF,
                assessor=formateur,
                assessed_at=days_ago(ctx, 30, 300),
            )
            for competence in known
        ),
    )

    published = _bench_mission(ctx, client, MS.PUBLISHED, trade, typical[:3])
    with_record = list(
        Testimonial.objects.filter(about__email__endswith=SCALE_EMAILS, about__role_grants__role__in=[Role.COMPAGNON])
        .order_by("about_id")
        .values_list("about_id", flat=True)
        .distinct()[: BENCH_MISSION_APPLICATIONS * 5]
    )
    applicants = rng.sample(with_record, min(BENCH_MISSION_APPLICATIONS, len(with_record)))
    rows += 1 + ctx.bulk(
        Application,
        (
            Application(
                mission=published,
                applicant_id=applicant,
                message=rng.choice(APPLICATION_MESSAGES),
                status=AS.SHORTLISTED if n < 5 else AS.SENT,
                created_at=ctx.now - timedelta(hours=n + 1),
                sent_at=ctx.now - timedelta(hours=n + 1),
            )
            for n, applicant in enumerate(applicants)
        ),
    )

    for status in (MS.CLOSED, MS.IN_PROGRESS):
        mission = _bench_mission(ctx, client, status, trade, typical[:2])
        chosen = Application.objects.create(
            mission=mission,
            applicant=compagnon,
            message=APPLICATION_MESSAGES[0],
            status=AS.CHOSEN,
            created_at=mission.published_at + timedelta(days=1),
            sent_at=mission.published_at + timedelta(days=1),
        )
        mission.chosen = chosen
        mission.invoiced_by = compagnon
        mission.save(update_fields=["chosen", "invoiced_by"])
        rows += 2
    _bench_mission(ctx, client, MS.DRAFT, trade, typical[:1])
    rows += 1

    elsewhere = list(
        _scale_missions().published().exclude(applications__applicant=compagnon).order_by("-published_at")[:30]
    )
    rows += ctx.bulk(
        Application,
        (
            Application(mission=m, applicant=compagnon, message=APPLICATION_MESSAGES[2], sent_at=ctx.now)
            for m in rng.sample(elsewhere, min(2, len(elsewhere)))
        ),
    )
    return rows
