"""Certification: jury sessions (members, candidates and their chefs-d'œuvre, the grids, the decisions per bloc),
chefs-d'œuvre ready and waiting for a jury, and bench-formateur's deliberated jury, whose decisions issue real
signed credentials (the public verification page reads one).

Added after the data set was first built: its seeders draw from `ctx.rng_for(...)`, not `ctx.rng`."""

from datetime import datetime, time, timedelta
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from bench import BENCH_COMPAGNON, BENCH_FORMATEUR
from bench.scale.registry import ScaleContext, bulk_linked, role_ids, seeder
from bench.scale.skills import current_competences, path_apprentice_ids
from compagnons.accounts.models import Role, User
from compagnons.apprenticeship.models import Mentorship
from compagnons.certification.issuing import issue_for
from compagnons.certification.models import (
    BlockDecision,
    Candidacy,
    Decision,
    Evaluation,
    JuryMember,
    JurySession,
    Masterpiece,
    Route,
)
from compagnons.credentials.models import IssuedCredential

# Shares of `ctx.users`; at 100,000 members: 100 jury sessions of 8 candidates (80 % deliberated), 200 chefs-d'œuvre
# ready and waiting for a jury (the jury page's « add a candidate » list).
JURY_SHARE = 1_000
CANDIDATES_PER_JURY = 8
WAITING_SHARE = 500
BENCH_JURY_CANDIDATES = 10
BENCH_JURY_PLACE = "Locaux de l'association, Toulouse (jury du banc)"
OUTCOMES = ([Decision.Outcome.VALIDATED, Decision.Outcome.PARTIAL, Decision.Outcome.NOT_VALIDATED], [70, 20, 10])
MASTERPIECE_TITLES = [
    "Le secrétariat à distance d'un cabinet d'infirmiers",
    "La comptabilité d'une association, de A à Z",
    "Un site vitrine pour une boulangerie de quartier",
    "Trois mois d'agenda pour un cabinet de kinésithérapie",
    "La relance des impayés d'un artisan",
]
PROFESSIONS = ["Rédactrice web indépendante", "Gestionnaire d'association", "Traducteur indépendant", "Comptable"]


def _juries_done(ctx: ScaleContext) -> bool:
    return JurySession.objects.filter(organised_by__email=BENCH_FORMATEUR, place=BENCH_JURY_PLACE).exists()


class _Juries:
    """The rows of the jury sessions, written in bulk (no service call: the decisions issue no credential and
    grant no role, except for bench-formateur's jury)."""

    def __init__(self, ctx: ScaleContext):
        self.ctx, self.rng = ctx, ctx.rng_for("certification.juries")
        self.certification, self.competences = current_competences()
        self.blocks = list(self.certification.blocks.prefetch_related("competences").order_by("position"))
        self.criteria = {b.pk: sum(len(c.criteria) for c in b.competences.all()) for b in self.blocks}
        self.rows = 0

    def masterpieces(self, candidates: list[int], status: str, on: datetime, mentor_of: dict[int, int]):
        rng = self.rng
        items = [
            (
                Masterpiece(
                    candidate_id=pk,
                    certification=self.certification,
                    route=Route.VAE if rng.random() < 0.1 else Route.PATH,
                    title=rng.choice(MASTERPIECE_TITLES),
                    account="J'ai repris l'agenda et la facturation du cabinet pendant trois mois, sans réclamation.",
                    status=status,
                    ready_confirmed_by_id=mentor_of.get(pk),
                    ready_at=on - timedelta(days=20),
                    created_at=on - timedelta(days=rng.randrange(30, 60)),
                ),
                rng.sample(self.competences, min(len(self.competences), 6)),
            )
            for pk in candidates
        ]
        self.rows += bulk_linked(self.ctx, Masterpiece, items)
        return [m for m, _c in items]

    def session(self, on, organiser: int, place: str, seats: list[tuple[int, bool, str]], candidates, mentor_of):
        """One session on `on` (deliberated when past), its seats, its candidates; when deliberated, every
        member's grid for every candidate and bloc, and a decision per candidate. Returns the decisions."""
        rng, ctx = self.rng, self.ctx
        deliberated = on < timezone.localdate(ctx.now)
        day = timezone.make_aware(datetime.combine(on, time(17, 0)))
        session = JurySession.objects.create(
            certification=self.certification,
            date=on,
            place=place,
            organised_by_id=organiser,
            status=JurySession.Status.DELIBERATED if deliberated else JurySession.Status.PLANNED,
            created_at=day - timedelta(days=60),
        )
        members = JuryMember.objects.bulk_create(
            JuryMember(
                session=session,
                user_id=user,
                is_external=external,
                profession=profession,
                no_conflict_declared_at=day - timedelta(days=7) if deliberated or rng.random() < 0.5 else None,
                minutes_confirmed_at=day + timedelta(days=1) if deliberated else None,
            )
            for user, external, profession in seats
        )
        status = Masterpiece.Status.JUDGED if deliberated else Masterpiece.Status.READY
        masterpieces = self.masterpieces(candidates, status, day, mentor_of)
        candidacies = Candidacy.objects.bulk_create(Candidacy(session=session, masterpiece=m) for m in masterpieces)
        self.rows += 1 + len(members) + len(candidacies)
        if not deliberated:
            return []
        evaluations, decisions, blocks = [], [], []
        for candidacy, masterpiece in zip(candidacies, masterpieces, strict=True):
            outcome = rng.choices(*OUTCOMES)[0]
            validated = {
                Decision.Outcome.VALIDATED: len(self.blocks),
                Decision.Outcome.PARTIAL: rng.randrange(1, max(2, len(self.blocks))),
                Decision.Outcome.NOT_VALIDATED: 0,
            }[outcome]
            for n, block in enumerate(self.blocks):
                for member in members:
                    total = self.criteria[block.pk]
                    met = list(range(total)) if n < validated else list(range(rng.randrange(total + 1)))
                    evaluations.append(
                        Evaluation(
                            candidacy=candidacy,
                            member=member,
                            block=block,
                            criteria_met=met,
                            proposes_validation=n < validated,
                            comment="Un chef-d'œuvre solide, présenté avec clarté." if n < validated else "",
                        )
                    )
            decisions.append(
                Decision(
                    candidacy=candidacy,
                    candidate_id=masterpiece.candidate_id,
                    route=masterpiece.route,
                    outcome=outcome,
                    reasons="Un chef-d'œuvre solide, présenté avec clarté.",
                    decided_at=day,
                    decided_by_id=organiser,
                    notified_at=day + timedelta(hours=1),
                )
            )
            blocks.append([n < validated for n in range(len(self.blocks))])
        self.rows += ctx.bulk(Evaluation, evaluations)
        decisions = Decision.objects.bulk_create(decisions)
        self.rows += len(decisions) + ctx.bulk(
            BlockDecision,
            (
                BlockDecision(decision=d, block=block, validated=ok)
                for d, oks in zip(decisions, blocks, strict=True)
                for block, ok in zip(self.blocks, oks, strict=True)
            ),
        )
        return decisions


@seeder("certification.juries", done=_juries_done)
def seed_juries(ctx: ScaleContext) -> int:
    """users / JURY_SHARE jury sessions (80 % deliberated in the last two years, the others planned), four
    members each (a formateur, two compagnons, a client from outside), CANDIDATES_PER_JURY path apprentices as
    candidates, every grid filled, a decision per candidate (70 % validated, 20 % partial, 10 % not); users /
    WAITING_SHARE chefs-d'œuvre ready and waiting. bench-formateur's jury, deliberated 20 days ago: bench-compagnon
    sits on it, BENCH_JURY_CANDIDATES candidates; its decisions issue real signed credentials."""
    juries = _Juries(ctx)
    rng = juries.rng
    formateur = User.objects.get(email=BENCH_FORMATEUR).pk
    compagnon = User.objects.get(email=BENCH_COMPAGNON).pk
    staff = [pk for pk in ctx.staff_ids() if pk != formateur] or [formateur]
    compagnons, clients = role_ids(Role.COMPAGNON), role_ids(Role.CLIENT)
    already = set(Masterpiece.objects.values_list("candidate_id", flat=True))
    pool = iter(pk for pk in path_apprentice_ids(ctx) if pk not in already)
    mentor_of = dict(Mentorship.objects.active().values_list("apprentice_id", "mentor_id"))
    today = timezone.localdate(ctx.now)

    def take(n: int) -> list[int]:
        return list(islice(pool, n))

    def seats(organiser: int, sitting: list[int]) -> list[tuple[int, bool, str]]:
        """The organiser, two compagnons from `sitting` (with bench-compagnon or not), a client from outside."""
        others = [pk for pk in rng.sample(compagnons, 3) if pk not in sitting][: 2 - len(sitting)]
        client = next(pk for pk in iter(lambda: rng.choice(clients), None) if pk not in others)
        return [
            (organiser, False, "Formatrice"),
            *((pk, False, rng.choice(PROFESSIONS)) for pk in [*sitting, *others]),
            (client, True, "Gérante d'une librairie en ligne"),
        ]

    decisions = juries.session(
        today - timedelta(days=20),
        formateur,
        BENCH_JURY_PLACE,
        seats(formateur, [compagnon]),
        take(BENCH_JURY_CANDIDATES),
        mentor_of,
    )
    for decision in decisions:
        standing = list(decision.blocks.filter(validated=True).values_list("block_id", flat=True))
        juries.rows += len(issue_for(decision, newly_validated=standing))

    for _n in range(max(1, ctx.users // JURY_SHARE)):
        candidates = take(CANDIDATES_PER_JURY)
        if not candidates:
            break
        days = rng.randrange(10, 90) if rng.random() < 0.2 else -rng.randrange(30, 730)  # planned, or deliberated
        on = today + timedelta(days=days)
        organiser = rng.choice(staff)
        juries.session(on, organiser, "Visio (lien envoyé aux membres)", seats(organiser, []), candidates, mentor_of)
    juries.masterpieces(take(ctx.users // WAITING_SHARE), Masterpiece.Status.READY, ctx.now, mentor_of)
    return juries.rows


def bench_jury() -> JurySession | None:
    return JurySession.objects.filter(organised_by__email=BENCH_FORMATEUR, place=BENCH_JURY_PLACE).first()


def bench_credential() -> IssuedCredential | None:
    """A credential issued by bench-formateur's jury: the one the public verification page shows."""
    jury = bench_jury()
    if jury is None:
        return None
    decisions = Decision.objects.filter(candidacy__session=jury).values_list("pk", flat=True)
    found = IssuedCredential.objects.filter(
        evidence_type=ContentType.objects.get_for_model(Decision),
        evidence_id__in=list(decisions),
        achievement_type="Certification",
    )
    return found.order_by("pk").first()
