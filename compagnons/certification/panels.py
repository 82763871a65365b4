from compagnons.core.dashboard import Panel


def certification_panel(request) -> Panel | None:
    """Where to go for the chef-d'œuvre, the jury, and one's verifiable titles. Two queries."""
    user = request.user
    if not (user.is_apprentice or user.is_compagnon or user.is_formateur):
        return None
    from compagnons.credentials.models import IssuedCredential

    return Panel(
        "certification/panel.html",
        {
            "seats": user.jury_seats.count(),
            "titles": IssuedCredential.objects.filter(member=user, revoked_at__isnull=True).count(),
        },
    )
