from django.conf import settings
from django.db import connection
from django.utils import translation


class QueryCountHeaderMiddleware:
    """Benchmark only (QUERY_COUNT_HEADER=1): report the number of SQL queries in X-Query-Count."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response


class SiteMiddleware:
    """`request.site`: the site the request's host is for (compagnons/core/sites.py). After CommonMiddleware,
    whose get_host() has already refused the hosts ALLOWED_HOSTS does not list.

    The site's default language is the language of a visitor who chose none (no language cookie, which the
    language selector sets): it comes after LocaleMiddleware and replaces what the browser's Accept-Language
    would have given (docs/sites.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from compagnons.core.sites import site_for_host

        request.site = site_for_host(request.get_host())
        language = request.site.default_language
        if language and not _chose_a_language(request):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def _chose_a_language(request) -> bool:
    """The visitor chose a language we have (the cookie set by /i18n/setlang/)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not chosen:
        return False
    try:
        translation.get_supported_language_variant(chosen)
    except LookupError:
        return False
    return True
