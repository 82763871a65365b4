from django.conf import settings


def site(request) -> dict:
    current = getattr(request, "site", None)
    if current is None:
        from compagnons.core.sites import site_for_host

        current = site_for_host(request.get_host())
    return {
        "SITE_URL": settings.SITE_URL,
        "site": current,
        "canonical_base": f"{request.scheme}://{request.get_host()}",
    }
