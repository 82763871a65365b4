"""La chaîne: who mentored whom, generation after generation."""

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


def build_chain(*, for_member: bool) -> list[Link]:
    """The forest of transmission, roots first (compagnons nobody on the platform mentored). Three queries."""
    pairs: dict[int, set[int]] = {}
    mentored: set[int] = set()
    users: dict[int, User] = {}
    for m in Mentorship.objects.select_related("apprentice", "mentor").order_by("started_at"):
        pairs.setdefault(m.mentor_id, set()).add(m.apprentice_id)
        mentored.add(m.apprentice_id)
        users[m.mentor_id], users[m.apprentice_id] = m.mentor, m.apprentice
    compagnons = set(RoleGrant.objects.filter(role=Role.COMPAGNON, user_id__in=users).values_list("user_id", flat=True))
    public = set(
        PathProfile.objects.filter(member_id__in=users, public_in_chain=True).values_list("member_id", flat=True)
    )

    def link(member_id: int, seen: frozenset) -> Link:
        user = users[member_id]
        shown = (for_member or member_id in public) and user.erased_at is None
        node = Link(member_id, user.display_name if shown else None, member_id in compagnons)
        for child_id in sorted(pairs.get(member_id, ())):
            if child_id not in seen:
                node.children.append(link(child_id, seen | {child_id}))
        node.followed = len(node.children)
        node.became_compagnons = sum(1 for c in node.children if c.is_compagnon)
        return node

    roots = sorted(set(pairs) - mentored)
    return [link(root, frozenset({root})) for root in roots]


def depth(links: list[Link]) -> int:
    return 1 + max((depth(link.children) for link in links), default=0) if links else 0
