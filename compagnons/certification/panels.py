from compagnons.core.dashboard import Panel
from compagnons.core.permissions import is_team
from compagnons.credentials.models import IssuedCredential


def certification_panel(request) -> Panel | None:
    """Where to go for the chef-d'œuvre, the jury, and one's verifiable titles. Two queries."""
    user = request.user
    team = is_team(user)
    if not (user.is_apprentice or user.is_compagnon or team):
        return None
    return Panel(
        "certification/panel.html",
        {
            "seats": user.jury_seats.count(),
            "is_team": team,
            "titles": IssuedCredential.objects.filter(member=user, revoked_at__isnull=True).count(),
        },
    )
