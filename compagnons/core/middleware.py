from django.db import connection


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
    whose get_host() has already refused the hosts ALLOWED_HOSTS does not list."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from compagnons.core.sites import site_for_host

        request.site = site_for_host(request.get_host())
        return self.get_response(request)
