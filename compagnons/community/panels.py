"""The community in « Mon espace » (its notifications, and the moderation queue for moderators) and in the ledger's
ways to give back (questions nobody answered yet). Bounded queries each."""

from django.urls import reverse
from django.utils.translation import gettext as _

from compagnons.community import permissions
from compagnons.community.models import Notification, Post, Report, Thread
from compagnons.core.dashboard import Panel
from compagnons.ledger.giveback import Way

UNANSWERED_CAP = 100


def community_panel(request) -> Panel | None:
    user = request.user
    if not user.is_authenticated:
        return None
    notifications = list(
        Notification.objects.filter(recipient=user, read_at=None).select_related("thread", "action")[:5]
    )
    moderation = None
    if permissions.is_moderator(user):
        moderation = {
            "reports": Report.objects.open().count(),
            "held": Post.objects.filter(status=Post.Status.HELD).count(),
        }
    return Panel("community/panels/member.html", {"notifications": notifications, "moderation": moderation})


def give_back(user) -> list[Way]:
    if not (user.is_apprentice or user.is_compagnon):
        return []
    waiting = Thread.objects.unanswered().exclude(author=user).values("pk")[:UNANSWERED_CAP]
    return [
        Way(
            _("Des questions de l'entraide attendent une première réponse"),
            reverse("community:unanswered"),
            Thread.objects.filter(pk__in=waiting).count(),
        )
    ]
