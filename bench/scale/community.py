"""Community: threads and answers scaled to the members (at 100,000 members: 200,000 threads and about 2,000,000
answers), the search index filled in one pass, and the bench thread (a long one, paginated) for the bench pages."""

import html
from datetime import timedelta
from itertools import batched

from django.db import connection
from django.db.models.expressions import RawSQL

from bench import BENCH_COMPAGNON
from bench.scale.registry import SCALE_EMAILS, ScaleContext, seeder
from compagnons.accounts.models import User
from compagnons.community import search
from compagnons.community.counters import recount_categories
from compagnons.community.models import Category, Post, Thread
from compagnons.community.search import POSTGRES_INDEX, VECTOR

THREADS_PER_MEMBER = 2
MEAN_ANSWERS = 10  # answers per thread: uniform in 0 … 20, so about 10 on average and 1 thread in 21 unanswered
BENCH_THREAD_TITLE = "Fil de référence du banc : relancer une facture et garder le client"
BENCH_THREAD_ANSWERS = 400

TITLES = [
    "Comment chiffrer un devis de saisie",
    "Relancer une facture impayée",
    "Micro-entreprise ou portage salarial",
    "Un client qui change le cahier des charges",
    "Quel outil pour suivre son temps",
    "Attestation URSSAF demandée par un client",
    "Organiser ses journées avec des enfants",
    "Signature électronique d'un devis",
    "Facturer une association à l'étranger",
    "Premier entretien avec un client",
    "Sauvegarder les fichiers de ses clients",
    "Tarif horaire d'une traduction",
]
SENTENCES = [
    "Je débute et je ne sais pas comment m'y prendre.",
    "Le client attend une réponse avant vendredi.",
    "Comptez d'abord votre temps réel sur un échantillon.",
    "Un avenant court à chaque changement évite les malentendus.",
    "La relance se fait par courriel, puis par téléphone.",
    "Les pénalités de retard figurent sur la facture.",
    "Le portage coûte plus cher mais protège davantage.",
    "Un tableur suffit souvent pour commencer.",
    "Pensez à la sauvegarde hors ligne de vos documents.",
    "Votre compagnon peut relire le devis avec vous.",
    "La médiation existe si le désaccord persiste.",
    "Notez chaque échange avec le client dans un journal.",
    "L'attestation de vigilance se télécharge sur le site de l'URSSAF.",
    "Une traduction se facture au mot ou à la page.",
    "Bloquez les tâches de concentration le matin.",
    "Proposez un point de cadrage de trente minutes.",
    "Le bon pour accord par courriel vaut acceptation.",
    "Gardez une marge pour les imprévus.",
    "Demandez un acompte pour les missions longues.",
    "Le logiciel libre fait très bien l'affaire.",
]


def _body(rng) -> str:
    return " ".join(rng.sample(SENTENCES, rng.randint(2, 4)))


def _vector(title: str, body: str):
    """PostgreSQL: the post's search vector computed in the INSERT itself (one write per post, not two)."""
    if connection.vendor != "postgresql":
        return None
    return RawSQL(
        "setweight(to_tsvector('french'::regconfig, %s), 'A') || setweight(to_tsvector('french'::regconfig, %s), 'B')",
        (title, body),
        output_field=Post._meta.get_field("search_vector"),
    )


def _html(body: str) -> str:
    return f"<p>{html.escape(body, quote=False)}</p>"  # what core.markdown renders for plain sentences


def _scale_threads():
    return Thread.objects.filter(author__email__endswith=SCALE_EMAILS)


def _author_ids() -> list[int]:
    return list(User.objects.filter(email__endswith=SCALE_EMAILS).order_by("pk").values_list("pk", flat=True))


@seeder("community.threads", done=lambda ctx: _scale_threads().count() >= ctx.users * THREADS_PER_MEMBER)
def seed_threads(ctx: ScaleContext) -> int:
    """users × 2 threads in the seeded categories over three years, each with 0 … 20 answers (its question
    first, the answers after it), counters kept as the services keep them; then the search index."""
    rng = ctx.rng_for("community")
    authors = _author_ids()
    categories = list(Category.objects.order_by("position").values_list("pk", flat=True))
    total = ctx.users * THREADS_PER_MEMBER
    rows = 0
    if connection.vendor == "postgresql":  # one index build after the load, not 2 million updates of it
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS community_post_search_idx")
    for batch in batched(range(total), ctx.batch_size // 4):
        threads, plans = [], []
        for _ in batch:
            created = ctx.now - timedelta(seconds=rng.randrange(3 * 365 * 86_400))
            answers = rng.randint(0, 2 * MEAN_ANSWERS)
            gaps = sorted(rng.randrange(1, 30 * 86_400) for _ in range(answers))
            last = created + timedelta(seconds=gaps[-1]) if gaps else created
            threads.append(
                Thread(
                    category_id=rng.choice(categories),
                    author_id=rng.choice(authors),
                    title=f"{rng.choice(TITLES)} ({rng.randrange(1, 10_000)})",
                    created_at=created,
                    last_activity_at=min(last, ctx.now),
                    answer_count=answers,
                )
            )
            plans.append(gaps)
        Thread.objects.bulk_create(threads)
        posts = []
        for thread, gaps in zip(threads, plans, strict=True):
            body = _body(rng)
            posts.append(
                Post(
                    thread_id=thread.pk,
                    author_id=thread.author_id,
                    is_question=True,
                    body=body,
                    body_html=_html(body),
                    search_title=thread.title,
                    search_vector=_vector(thread.title, body),
                    created_at=thread.created_at,
                )
            )
            for gap in gaps:
                body = _body(rng)
                posts.append(
                    Post(
                        thread_id=thread.pk,
                        author_id=rng.choice(authors),
                        body=body,
                        body_html=_html(body),
                        search_vector=_vector("", body),
                        created_at=min(thread.created_at + timedelta(seconds=gap), ctx.now),
                    )
                )
        Post.objects.bulk_create(posts, batch_size=ctx.batch_size)
        rows += len(threads) + len(posts)
    ctx.log(f"community.threads: {rows} rows, indexing")
    rebuild_search_index()
    recount_categories()
    return rows


def rebuild_search_index() -> None:
    """Build the search index in one pass: SQLite's FTS5 table from the posts, PostgreSQL's GIN index."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO community_post_fts(community_post_fts) VALUES ('rebuild')")
            search.remember_index_words(cursor)
        elif connection.vendor == "postgresql":
            cursor.execute(f"UPDATE community_post SET search_vector = {VECTOR} WHERE search_vector IS NULL")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the load's deferred key checks, before the index build
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(POSTGRES_INDEX)


def bench_thread() -> Thread | None:
    return Thread.objects.filter(title=BENCH_THREAD_TITLE).first()


@seeder("community.bench_thread", done=lambda ctx: bench_thread() is not None)
def seed_bench_thread(ctx: ScaleContext) -> int:
    """A long thread started by bench-compagnon in the public « Entraide » category: 400 answers (20 pages)."""
    rng = ctx.rng_for("community-bench")
    author = User.objects.get(email=BENCH_COMPAGNON)
    authors = _author_ids()[:500]
    created = ctx.now - timedelta(days=90)
    thread = Thread.objects.create(
        category=Category.objects.get(slug="entraide"),
        author=author,
        title=BENCH_THREAD_TITLE,
        created_at=created,
        last_activity_at=created + timedelta(minutes=10 * BENCH_THREAD_ANSWERS),  # its last answer's date
        answer_count=BENCH_THREAD_ANSWERS,
    )
    body = _body(rng)
    posts = [
        Post(thread=thread, author=author, is_question=True, body=body, body_html=_html(body),
             search_title=thread.title, created_at=created)
    ]  # fmt: skip
    for i in range(BENCH_THREAD_ANSWERS):
        body = _body(rng)
        posts.append(
            Post(
                thread=thread,
                author_id=rng.choice(authors),
                body=body,
                body_html=_html(body),
                created_at=created + timedelta(minutes=10 * (i + 1)),
            )
        )
    Post.objects.bulk_create(posts)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO community_post_fts(rowid, search_title, body) "
                "SELECT id, search_title, body FROM community_post WHERE thread_id = %s",
                [thread.pk],
            )
            search.remember_index_words(cursor)
        elif connection.vendor == "postgresql":
            cursor.execute(f"UPDATE community_post SET search_vector = {VECTOR} WHERE thread_id = %s", [thread.pk])
    recount_categories()
    return 1 + len(posts)
