"""Demo data for the community (called by `manage.py seed_demo`): a dozen threads in the seeded categories,
answers, a quote, a follow, and one answer marked « cette réponse m'a aidé » (with its ledger credit). Written
through the services (each demo member writes fewer posts than a newcomer's hourly limit, and no link)."""

from compagnons.community import services
from compagnons.community.models import Category, SiteCategoryOrder, Thread
from compagnons.core.models import Site

THREADS = [
    # (author, category, title, body, [(answerer, body)])
    (
        "apprenti@demo.test",
        "missions-et-clients",
        "Comment chiffrer mon premier devis de saisie ?",
        "Un cabinet me demande un devis pour saisir 300 factures par mois. Je ne sais pas si je dois compter "
        "**à l'heure** ou **à la pièce**. Comment faites-vous ?",
        [
            (
                "compagnon@demo.test",
                "Comptez d'abord votre temps réel sur un échantillon de 20 factures, puis "
                "donnez un prix à la pièce avec une marge de 15 %. Le client aime savoir ce qu'il paiera.",
            ),
            ("marie.lefevre@demo.test", "Et prévoyez dans le devis ce qui se passe si les pièces arrivent en retard."),
        ],
    ),
    (
        "thomas.roux@demo.test",
        "statut-et-droits",
        "Micro-entreprise ou portage salarial pour débuter ?",
        "Je termine ma formation et j'ai deux clients potentiels. Qu'est-ce qui est le plus simple ?",
        [
            (
                "karim.haddad@demo.test",
                "La micro-entreprise est la plus simple à ouvrir. Le portage coûte plus cher "
                "mais vous garde salarié : chômage, retraite, mutuelle.",
            )
        ],
    ),
    (
        "marie.lefevre@demo.test",
        "outils",
        "Quel outil pour suivre mon temps par client ?",
        "J'ai essayé un tableur, je perds le fil. Des idées d'outils simples, si possible libres ?",
        [],
    ),
    (
        "karim.haddad@demo.test",
        "missions-et-clients",
        "Un client change le cahier des charges chaque semaine",
        "Mission de traduction, le périmètre bouge sans cesse. Comment poser des limites sans perdre le client ?",
        [
            (
                "compagnon@demo.test",
                "Écrivez un avenant court à chaque changement : ce qui change, le délai, le prix. "
                "La banque de missions permet aussi de noter les changements de périmètre.",
            )
        ],
    ),
    (
        "apprenti@demo.test",
        "entraide",
        "Organiser ses journées en télétravail avec des enfants",
        "Mes enfants rentrent à 16 h 30. Comment vous organisez-vous pour tenir vos délais ?",
        [
            (
                "nathalie.petit@demo.test",
                "Je bloque les tâches qui demandent de la concentration le matin, et je garde "
                "les appels et les mails pour la fin de journée.",
            )
        ],
    ),
    (
        "thomas.roux@demo.test",
        "outils",
        "Signature électronique : obligatoire pour un devis ?",
        "Un client me demande de signer électroniquement. Est-ce que c'est nécessaire ?",
        [
            (
                "paul.girard@demo.test",
                "Non, un devis accepté par e-mail avec « bon pour accord » suffit souvent. "
                "La signature électronique rassure pour les gros montants.",
            )
        ],
    ),
    (
        "nathalie.petit@demo.test",
        "statut-et-droits",
        "Facturer un client à l'étranger",
        "Une association belge veut me confier une mission. Que dois-je mettre sur la facture ?",
        [],
    ),
    (
        "sylvie.garnier@demo.test",
        "entraide",
        "Retrouver confiance après une mission difficile",
        "Ma dernière mission s'est mal passée, le client a été très dur. Comment rebondir ?",
        [
            (
                "compagnon@demo.test",
                "Parlez-en à votre compagnon, et relisez ce qui a bien marché. "
                "Une mission difficile n'efface pas votre travail.",
            ),
            ("bernard.rousseau@demo.test", "Et n'hésitez pas à demander une médiation si le désaccord persiste."),
        ],
    ),
    (
        "paul.girard@demo.test",
        "vie-de-l-association",
        "Qui vient à la rencontre régionale de juin ?",
        "On se retrouve à Lyon le 14 juin. Qui en est ?",
        [("marie.lefevre@demo.test", "Présente ! Je peux covoiturer depuis Grenoble.")],
    ),
    (
        "karim.haddad@demo.test",
        "outils",
        "Sauvegarder ses fichiers clients",
        "Quelle solution de sauvegarde utilisez-vous pour les documents de vos clients ?",
        [],
    ),
    (
        "sylvie.garnier@demo.test",
        "missions-et-clients",
        "Relancer une facture impayée sans froisser",
        "Une facture de 450 € attend depuis 45 jours. Quel ton pour la relance ?",
        [
            (
                "nathalie.petit@demo.test",
                "Un premier mail cordial rappelant la date d'échéance, puis un appel. "
                "Les pénalités de retard figurent déjà sur votre facture.",
            )
        ],
    ),
    (
        "bernard.rousseau@demo.test",
        "entraide",
        "Transmettre quand on n'a jamais formé personne",
        "Je deviens compagnon et j'accompagne ma première apprentie. Des conseils pour les premières séances ?",
        [],
    ),
]


# The categories migration 0003 seeds (again here: a test database flushed after a transactional test has lost them).
CATEGORIES = [
    ("Entraide", "entraide", "Une question, un coup de main : on s'entraide ici.", "public"),
    (
        "Missions et clients",
        "missions-et-clients",
        "Devis, cahier des charges, un client difficile, les délais.",
        "public",
    ),
    (
        "Statut et droits",
        "statut-et-droits",
        "Micro-entreprise, portage, URSSAF, facturation, protection sociale.",
        "public",
    ),
    ("Outils", "outils", "Logiciels, matériel, organisation du télétravail.", "public"),
    (
        "Vie de l'association",
        "vie-de-l-association",
        "Entre membres : la vie des Compagnons du télétravail.",
        "members",
    ),
]


def ensure_categories() -> dict[str, Category]:
    for position, (name, slug, description, visibility) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "visibility": visibility, "position": position * 10},
        )
    return {c.slug: c for c in Category.objects.all()}


def seed(world: dict) -> None:
    categories = ensure_categories()
    # The demo's second site (core/demo.py, on localhost) puts status and rights first.
    south = Site.objects.filter(hosts__host="localhost").first()
    if south is not None and not SiteCategoryOrder.objects.filter(site=south).exists():
        services.set_site_categories(
            south, [categories["statut-et-droits"], categories["missions-et-clients"]], by=world["formateur@demo.test"]
        )
    if Thread.objects.exists():
        return
    first = None
    for author, slug, title, body, answers in THREADS:
        thread = services.create_thread(categories[slug], by=world[author], title=title, body=body)
        for answerer, text in answers:
            post = services.answer(thread, by=world[answerer], body=text)
            first = first or (thread, post)
    thread, answer = first
    # A quote, a follow, and the helpful mark (with its ledger credit).
    services.answer(
        thread,
        by=world["apprenti@demo.test"],
        body=services.quote(answer) + "Merci @Jean-Pierre Dubois, je pars sur un prix à la pièce.",
        quoting=answer,
    )
    services.set_follow(by=world["compagnon@demo.test"], category=categories["missions-et-clients"], on=True)
    services.mark_helpful(answer, thread=thread, by=world["apprenti@demo.test"])
