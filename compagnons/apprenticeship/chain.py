"""La chaîne: who mentored whom, generation after generation.

The page shows the first links (compagnons nobody on the platform mentored) with their counts; each one's
descendants open on their own page. Pairs are read as plain ids, names only for the people shown.
"""

from dataclasses import dataclass, field

from compagnons.accounts.models import Role, RoleGrant, User
from compagnons.apprenticeship.models import Mentorship, PathProfile


@dataclass
class Link:
    member_id: int
    name: str | None  # None: not shown (a visitor, and the member did not opt in)
    is_compagnon: bool
    children: list["Link"] = field(default_factory=list)
    followed: int = 0
    became_compagnons: int = 0
    descendants: int = 0
    generations: int = 1


class Chain:
    """The whole forest as ids: three queries, whatever its size (and cached while nothing changes)."""

    def __init__(self) -> None:
        from django.core.cache import cache
        from django.db.models import Count, Max

        state = (
            Mentorship.objects.aggregate(n=Count("pk"), top=Max("pk")),
            RoleGrant.objects.filter(role=Role.COMPAGNON).count(),
            PathProfile.objects.filter(public_in_chain=True).count(),
        )
        key = f"chain:{state[0]['n']}:{state[0]['top']}:{state[1]}:{state[2]}"
        cached = cache.get(key)
        if cached is None:
            cached = self._load()
            cache.set(key, cached, 300)
        self.children, self.roots, self.compagnons, self.public = cached

    @staticmethod
    def _load():
        children: dict[int, list[int]] = {}
        mentored: set[int] = set()
        pairs = Mentorship.objects.order_by("started_at").values_list("mentor_id", "apprentice_id")
        for mentor_id, apprentice_id in pairs:
            kids = children.setdefault(mentor_id, [])
            if apprentice_id not in kids:
                kids.append(apprentice_id)
            mentored.add(apprentice_id)
        roots = sorted(set(children) - mentored)
        compagnons = set(RoleGrant.objects.filter(role=Role.COMPAGNON).values_list("user_id", flat=True))
        public = set(PathProfile.objects.filter(public_in_chain=True).values_list("member_id", flat=True))
        return children, roots, compagnons, public

    def size(self, member_id: int) -> int:
        return len(self.subtree_ids(member_id)) - 1

    def subtree_ids(self, root: int) -> list[int]:
        seen, stack = [root], [root]
        while stack:
            for child in self.children.get(stack.pop(), []):
                if child not in seen:
                    seen.append(child)
                    stack.append(child)
        return seen

    def link(
        self, member_id: int, users: dict[int, User], *, for_member: bool, depth: int | None, seen=frozenset()
    ) -> Link:
        user = users.get(member_id)
        shown = user is not None and user.erased_at is None and (for_member or member_id in self.public)
        node = Link(member_id, user.display_name if shown else None, member_id in self.compagnons)
        kids = [c for c in self.children.get(member_id, []) if c not in seen]
        node.followed = len(kids)
        node.became_compagnons = sum(1 for c in kids if c in self.compagnons)
        below = [
            self.link(
                c, users, for_member=for_member, depth=None if depth is None else depth - 1, seen=seen | {member_id}
            )
            for c in kids
        ]
        node.descendants = sum(1 + c.descendants for c in below)
        node.generations = 1 + max((c.generations for c in below), default=0)
        if depth is None or depth > 0:
            node.children = below
        return node


ROOTS_PER_PAGE = 50


def roots(*, for_member: bool, page: int = 1) -> tuple[list[Link], int]:
    """The first links with their counts, the longest branches first, a page at a time; and the number of pages."""
    chain = Chain()
    ordered = sorted(chain.roots, key=lambda root: (-chain.size(root), root))
    pages = max(1, -(-len(ordered) // ROOTS_PER_PAGE))
    shown = ordered[(page - 1) * ROOTS_PER_PAGE : page * ROOTS_PER_PAGE]
    users = User.objects.in_bulk(shown)
    return [chain.link(root, users, for_member=for_member, depth=0) for root in shown], pages


def subtree(root_id: int, *, for_member: bool) -> Link | None:
    chain = Chain()
    if root_id not in chain.children:
        return None
    users = User.objects.in_bulk(chain.subtree_ids(root_id))
    return chain.link(root_id, users, for_member=for_member, depth=None)


def depth(links: list[Link]) -> int:
    return max((link.generations for link in links), default=0)
