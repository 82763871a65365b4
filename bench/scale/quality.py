"""Quality: satisfaction surveys (end of path à chaud and à froid for the past cohorts, clients after a closed
mission), the complaints register over three years, and improvement actions.

Added after the data set was first built: its seeders draw from `ctx.rng_for(...)`, not `ctx.rng`."""

from collections import Counter
from datetime import timedelta

from bench.scale.missions import MS
from bench.scale.outcomes import PAST_COHORT_PREFIX
from bench.scale.registry import SCALE_EMAILS, ScaleContext, seeder
from compagnons.apprenticeship.models import Enrollment
from compagnons.missions.models import Mission
from compagnons.quality.models import Complaint, ComplaintCounter, ImprovementAction, Survey

# Shares of `ctx.users`; at 100,000 members: 100,000 surveys at the end of the path (every past enrollment), 50,000
# six months later, 10,000 clients' after a closed mission (1 in 3); 500 complaints; 100 improvement actions.
COLD_SHARE = 2  # 1 past enrollment in 2 gets the « à froid » survey
MISSION_SURVEY_SHARE = 3
COMPLAINT_SHARE = 200
ACTION_SHARE = 1_000
SURVEY_DAYS_OPEN = 30
ANSWERED = {Survey.Kind.PATH_HOT: 0.6, Survey.Kind.PATH_COLD: 0.4, Survey.Kind.MISSION: 0.5}
SCORES = ([1, 2, 3, 4], [5, 12, 43, 40])
LIKED = [
    "Les séances avec mon compagnon : il prenait le temps d'expliquer.",
    "La première mission, accompagnée : j'ai osé facturer.",
    "Le carnet de route, pour voir ce que j'avais appris.",
    "",
]
IMPROVE = ["", "Plus de séances au début du parcours.", "Annoncer plus tôt la date du jury."]
COMPLAINT_SUBJECTS = [
    "Séance annulée au dernier moment",
    "Mission payée en retard",
    "Je ne trouve pas où confirmer mes séances",
    "Date du jury annoncée trop tard",
    "Réponse attendue de mon compagnon",
]
ACTION_TITLES = [
    "Envoyer un guide d'accueil aux nouveaux donneurs d'ordre",
    "Annoncer la date du jury dès l'entrée en promotion",
    "Rappeler aux compagnons de confirmer les séances sous 48 heures",
    "Simplifier la page des séances",
]


def _surveys_done(ctx: ScaleContext) -> bool:
    return Survey.objects.filter(kind=Survey.Kind.PATH_HOT, cohort__name__startswith=PAST_COHORT_PREFIX).exists()


def _survey(rng, kind: str, audience: str, person: int, event_at, **subject) -> Survey:
    survey = Survey(
        kind=kind,
        audience=audience,
        person_id=person,
        event_at=event_at,
        created_at=event_at,
        closes_at=event_at + timedelta(days=SURVEY_DAYS_OPEN),
        invited_at=event_at,
        **subject,
    )
    if rng.random() < ANSWERED[kind]:
        score = rng.choices(*SCORES)[0]
        survey.answered_at = event_at + timedelta(days=rng.randrange(1, SURVEY_DAYS_OPEN))
        survey.satisfaction = score
        survey.expectations = max(1, min(4, score + rng.choice((-1, 0, 0))))
        survey.support = max(1, min(4, score + rng.choice((0, 0, 1))))
        survey.recommend = "yes" if score >= 3 else "maybe" if score == 2 else "no"
        survey.liked, survey.improve = rng.choice(LIKED), rng.choice(IMPROVE)
    else:
        survey.reminders_sent = 2
        survey.last_reminded_at = event_at + timedelta(days=14)
    return survey


@seeder("quality.surveys", done=_surveys_done)
def seed_surveys(ctx: ScaleContext) -> int:
    """The apprentices' end-of-path survey for every enrollment of the past cohorts (60 % answered), the « à froid »
    one six months later for 1 in COLD_SHARE (40 %), the client's after 1 closed mission in MISSION_SURVEY_SHARE."""
    rng = ctx.rng_for("quality.surveys")
    A, K = Survey.Audience, Survey.Kind
    ended = (
        Enrollment.objects.filter(cohort__name__startswith=PAST_COHORT_PREFIX, ended_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "member_id", "cohort_id", "ended_at")
    )

    def paths():
        for pk, member, cohort, at in ended.iterator(chunk_size=ctx.batch_size):
            yield _survey(rng, K.PATH_HOT, A.APPRENTICE, member, at, enrollment_id=pk, cohort_id=cohort)
            if rng.randrange(COLD_SHARE) == 0:
                later = at + timedelta(days=182)
                yield _survey(rng, K.PATH_COLD, A.APPRENTICE, member, later, enrollment_id=pk, cohort_id=cohort)

    rows = ctx.bulk(Survey, paths())
    closed = (
        Mission.objects.filter(client__email__endswith=SCALE_EMAILS, status=MS.CLOSED, closed_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "client_id", "closed_at")
    )
    return rows + ctx.bulk(
        Survey,
        (
            _survey(rng, K.MISSION, A.CLIENT, client, at, mission_id=pk)
            for pk, client, at in closed
            if rng.randrange(MISSION_SURVEY_SHARE) == 0
        ),
    )


def _complaints_done(ctx: ScaleContext) -> bool:
    return Complaint.objects.filter(filer__email__endswith=SCALE_EMAILS).exists()


@seeder("quality.complaints", done=_complaints_done)
def seed_complaints(ctx: ScaleContext) -> int:
    """users / COMPLAINT_SHARE complaints and difficulties over three years, numbered R-<year>-<nnnn> (the year's
    counter follows): the older ones answered and closed, the recent ones received or in progress (a few overdue);
    users / ACTION_SHARE improvement actions, a third caused by a complaint."""
    rng = ctx.rng_for("quality.complaints")
    members = ctx.user_ids()
    staff = ctx.staff_ids()
    S = Complaint.Status
    three_years = 3 * 365 * 86_400
    received = sorted(
        ctx.now - timedelta(seconds=rng.randrange(three_years)) for _n in range(ctx.users // COMPLAINT_SHARE)
    )
    sequences = Counter(dict(ComplaintCounter.objects.values_list("year", "last")))
    complaints = []
    for at in received:
        year = at.year
        sequences[year] += 1
        age = (ctx.now - at).days
        status = S.CLOSED if age > 60 else S.ANSWERED if age > 30 else rng.choice((S.RECEIVED, S.IN_PROGRESS))
        answered = at + timedelta(days=rng.randrange(2, 15)) if status in (S.ANSWERED, S.CLOSED) else None
        complaints.append(
            Complaint(
                number=f"R-{year}-{sequences[year]:04d}",
                year=year,
                sequence=sequences[year],
                kind=rng.choice(Complaint.Kind.values),
                topic=rng.choice(Complaint.Topic.values),
                filer_id=rng.choice(members),
                subject=rng.choice(COMPLAINT_SUBJECTS),
                body="Je vous écris parce que la situation dure depuis deux semaines.",
                status=status,
                received_at=at,
                due_on=at.date() + timedelta(days=15),
                acknowledged_at=at + timedelta(minutes=1),
                owner_id=rng.choice(staff) if status != S.RECEIVED else None,
                answer="Merci de votre message : voici ce que nous avons fait." if answered else "",
                answered_at=answered,
                answered_by_id=rng.choice(staff) if answered else None,
                closed_at=answered + timedelta(days=7) if status == S.CLOSED else None,
            )
        )
    complaints = Complaint.objects.bulk_create(complaints, batch_size=ctx.batch_size)
    for year, last in sequences.items():
        ComplaintCounter.objects.update_or_create(year=year, defaults={"last": last})
    A = ImprovementAction.Status
    actions = []
    for _n in range(ctx.users // ACTION_SHARE):
        complaint = rng.choice(complaints) if complaints and rng.random() < 0.33 else None
        created = (
            complaint.received_at + timedelta(days=3) if complaint else ctx.now - timedelta(days=rng.randrange(730))
        )
        status = rng.choices([A.PLANNED, A.IN_PROGRESS, A.DONE, A.ABANDONED], [25, 25, 45, 5])[0]
        actions.append(
            ImprovementAction(
                title=rng.choice(ACTION_TITLES),
                cause=ImprovementAction.Cause.COMPLAINT
                if complaint
                else rng.choice(ImprovementAction.Cause.values[1:]),
                complaint=complaint,
                description="Ce que nous changeons, pour qui, et comment nous saurons que cela a marché.",
                owner_id=rng.choice(staff),
                due_on=created.date() + timedelta(days=rng.randrange(15, 120)),
                status=status,
                effect="Moins de séances non confirmées." if status == A.DONE else "",
                created_at=created,
                created_by_id=rng.choice(staff),
                done_at=created + timedelta(days=30) if status == A.DONE else None,
            )
        )
    return len(complaints) + len(sequences) + ctx.bulk(ImprovementAction, actions)
