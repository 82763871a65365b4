"""Showcase: published mini-sites with their services at fair prices, bench-compagnon's at /c/bench-compagnon/."""

from datetime import datetime, timedelta
from itertools import batched

from django.db import models

from bench import BENCH_COMPAGNON, BENCH_PROFILE_SLUG
from bench.scale.registry import SCALE_EMAILS, ScaleContext, role_ids, seeder
from compagnons.accounts.models import Role, User
from compagnons.showcase.models import Profile, Service, Theme
from compagnons.showcase.services import service_problem

# A share of `ctx.users`: at 100,000 members, 20,000 published mini-sites (apprentices and compagnons).
PROFILE_SHARE = 5
SERVICES_PER_PROFILE = (1, 3)
HOURLY_RATES = range(2_500, 6_001, 250)  # cents; never under the fair-rate floor (MISSION_HOURLY_FLOOR_CENTS)
SU = Service.Unit
SHOWCASE_HEADLINES = [
    "Je tiens l'agenda et le standard des petits cabinets, à distance",
    "Votre comptabilité courante saisie et rapprochée chaque semaine",
    "Des sites web simples, rapides et accessibles pour les artisans",
    "Logos, affiches et flyers pour les associations et commerces de quartier",
    "Des textes clairs pour votre site, votre newsletter et vos fiches produits",
    "Traduction anglais-français soignée, relue par une seconde paire d'yeux",
    "J'anime vos réseaux sociaux avec un calendrier que vous validez",
    "Dépannage informatique et mise en place de vos outils, pas à pas",
    "Bulletins de paie et déclarations sociales pour les TPE",
    "Transcription fidèle de vos entretiens, réunions et podcasts",
    "Illustrations sur mesure pour l'édition jeunesse et la communication",
    "Montage vidéo pour vos réseaux, formations et témoignages clients",
    "Saisie et nettoyage de vos fichiers clients, sans erreur",
    "Accueil téléphonique et suivi client pour les indépendants",
    "Référencement naturel : un audit lisible et un plan d'action concret",
]
SHOWCASE_AUDIENCES = [
    "Les indépendants et les TPE qui n'ont pas le temps de tout faire eux-mêmes.",
    "Les associations, les artisans et les commerces de proximité.",
    "Les professions libérales (santé, droit, conseil) qui veulent se concentrer sur leur métier.",
]
SHOWCASE_WAYS = [
    "Un premier appel de trente minutes pour comprendre votre besoin, puis un devis écrit. Je livre par étapes.",
    "Je travaille à distance, avec un point hebdomadaire. Mon compagnon relit mes livrables importants.",
    "Des délais annoncés et tenus ; si je ne peux pas, je vous le dis tout de suite.",
]
SHOWCASE_AVAILABILITY = ["Disponible dès maintenant", "Deux jours par semaine", "À partir du mois prochain", ""]
SHOWCASE_SERVICES = [
    "Gestion d'agenda",
    "Permanence téléphonique",
    "Saisie comptable",
    "Site vitrine",
    "Identité visuelle",
    "Article de blog",
    "Traduction d'un document",
    "Animation des réseaux sociaux",
    "Assistance informatique",
    "Bulletins de paie",
    "Transcription d'un entretien",
    "Montage d'une vidéo courte",
    "Audit SEO",
]


def _scale_profiles() -> models.QuerySet:
    return Profile.objects.filter(member__email__endswith=SCALE_EMAILS, published=True)


def _showcase_done(ctx: ScaleContext) -> bool:
    bench = Profile.objects.filter(member__email=BENCH_COMPAGNON, slug=BENCH_PROFILE_SLUG, published=True)
    return bench.exists() and _scale_profiles().count() >= ctx.users // PROFILE_SHARE


def _services_of(ctx: ScaleContext, profile: Profile, count: int | None = None) -> list[Service]:
    """1-3 services at fair prices: at least MISSION_HOURLY_FLOOR_CENTS per hour of work, whatever the unit."""
    rng = ctx.rng
    rows = []
    for title in rng.sample(SHOWCASE_SERVICES, count or rng.randint(*SERVICES_PER_PROFILE)):
        rate = rng.choice(HOURLY_RATES)
        unit = rng.choices((SU.HOUR, SU.DAY, SU.FIXED), (5, 2, 3))[0]
        hours = rng.choice((2, 3, 5, 8, 12, 20, 35)) if unit == SU.FIXED else None
        price = rate * {SU.HOUR: 1, SU.DAY: 7}.get(unit, hours)
        if unit == SU.FIXED:
            price = -(-price // 1_000) * 1_000  # rounded up to the next 10 euros
        problem = service_problem(price, unit, hours)
        assert problem is None, f"unfair bench price {price} {unit} {hours}: {problem}"
        rows.append(Service(profile=profile, title=title, price_cents=price, unit=unit, hours=hours))
    return rows


def _new_profile(ctx: ScaleContext, member: int, slug: str, joined: datetime) -> Profile:
    rng = ctx.rng
    published = max(joined, ctx.now - timedelta(days=730)) + timedelta(days=rng.randrange(1, 60))
    return Profile(
        member_id=member,
        slug=slug,
        headline=rng.choice(SHOWCASE_HEADLINES),
        audience=rng.choice(SHOWCASE_AUDIENCES),
        how_i_work=rng.choice(SHOWCASE_WAYS),
        availability_note=rng.choice(SHOWCASE_AVAILABILITY),
        regions=rng.choice(("À distance, partout en France", "Ma région et à distance", "")),
        theme=rng.choice(Theme.values),
        step=5,
        published=True,
        published_at=min(published, ctx.now),
    )


@seeder("showcase.profiles", done=_showcase_done)
def seed_showcase_profiles(ctx: ScaleContext) -> int:
    """users / PROFILE_SHARE published mini-sites (slug `membre-<member pk>`) for apprentices and compagnons,
    each with 1-3 services at fair prices; bench-compagnon's, published at `/c/bench-compagnon/`."""
    rng = ctx.rng
    compagnon = User.objects.get(email=BENCH_COMPAGNON)
    rows = 0
    looks = _new_profile(ctx, compagnon.pk, BENCH_PROFILE_SLUG, compagnon.date_joined)
    bench, _created = Profile.objects.update_or_create(
        member=compagnon,
        defaults={
            "slug": BENCH_PROFILE_SLUG,
            "headline": SHOWCASE_HEADLINES[0],  # bench-compagnon does Télésecrétariat
            "audience": SHOWCASE_AUDIENCES[2],
            "how_i_work": SHOWCASE_WAYS[1],
            "availability_note": SHOWCASE_AVAILABILITY[1],
            "regions": "Occitanie et à distance",
            "theme": looks.theme,
            "step": 5,
            "published": True,
            "published_at": ctx.now - timedelta(days=30),
        },
    )
    if not bench.services.exists():
        rows += 1 + ctx.bulk(Service, _services_of(ctx, bench, count=3))

    have = set(Profile.objects.values_list("member_id", flat=True))
    members = sorted((set(role_ids(Role.APPRENTICE)) | set(role_ids(Role.COMPAGNON))) - have)
    missing = ctx.users // PROFILE_SHARE - _scale_profiles().count()
    chosen = sorted(rng.sample(members, max(0, min(missing, len(members)))))
    for n, batch in enumerate(batched(chosen, ctx.batch_size), start=1):
        joined = dict(User.objects.filter(pk__in=batch).values_list("pk", "date_joined"))
        profiles = Profile.objects.bulk_create([_new_profile(ctx, pk, f"membre-{pk}", joined[pk]) for pk in batch])
        assert all(p.pk for p in profiles), "bulk_create must return primary keys (SQLite ≥ 3.35 or PostgreSQL)"
        rows += len(profiles) + ctx.bulk(Service, (s for p in profiles for s in _services_of(ctx, p)))
        ctx.log(f"  showcase: {min(n * ctx.batch_size, len(chosen))}/{len(chosen)} profiles")
    return rows
