"""Community: threads and answers written through the services, as members write them."""

from compagnons.community import services
from compagnons.community.demo import ensure_categories
from compagnons.community.models import Category, Post, Thread


def category(slug: str = "entraide") -> Category:
    """A category seeded by the migration (entraide, missions-et-clients, statut-et-droits, outils: public;
    vie-de-l-association: members only)."""
    return (
        ensure_categories()[slug]
        if not Category.objects.filter(slug=slug).exists()
        else Category.objects.get(slug=slug)
    )


def ask(author, *, title: str = "Comment chiffrer un premier devis ?", body: str = "Je débute et j'hésite.",
        slug: str = "entraide") -> Thread:  # fmt: skip
    return services.create_thread(category(slug), by=author, title=title, body=body)


def reply(thread: Thread, author, body: str = "Comptez vos heures, puis ajoutez une marge.", **kwargs) -> Post:
    return services.answer(thread, by=author, body=body, **kwargs)


def question_of(thread: Thread) -> Post:
    return Post.objects.get(thread=thread, is_question=True)
