"""Queries asked at every request, compiled by the ORM once per process instead of at each request.

Django compiles a queryset into SQL each time it runs it. For the few queries every signed-in request asks — its
member by id, whether a team member set up double authentication — compiling cost two to three times running them
(issue 21: the member's query 1.2 ms, 0.9 of it compiling; the same SQL through `raw()` 0.37 ms). `Compiled` asks the
ORM for the SQL once per database, with a marker in place of each value that changes, and then runs that SQL with
the request's values: the SQL is always the ORM's own (built from the models, never written by hand), so a change of
a model changes it at the next start of the process.

    MEMBER = Compiled(lambda pk: User._default_manager.filter(pk=pk))
    MEMBER.first(User, pk=42)          # the model instance, through raw() (the ORM's converters), or None
    MFA = Compiled(lambda user_id: Authenticator.objects.filter(user_id=user_id, type="totp"))
    MFA.exists(user_id=7)              # SELECT 1 … LIMIT 1

The markers are integers no query holds as a constant (below -2**62); each must appear among the compiled query's
parameters, or `Compiled` refuses to build it. tests/core/test_compiled.py compares the answers with the ORM's."""

from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

_MARKER_BASE = -(2**62)


class Compiled:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        # {(database alias, "first" or "exists"): (sql, parameters with the markers' names in their place)}
        self._compiled: dict[tuple[str, str], tuple[str, list]] = {}

    def _sql(self, alias: str, kind: str, names: list[str]) -> tuple[str, list]:
        key = (alias, kind)
        found = self._compiled.get(key)
        if found is None:
            markers = {name: _MARKER_BASE - n for n, name in enumerate(names)}
            queryset = self.build(**markers).using(alias)
            query = queryset.query.exists(limit=True) if kind == "exists" else queryset[:1].query
            sql, params = query.get_compiler(alias).as_sql()
            by_marker = {value: name for name, value in markers.items()}
            slots = [_Slot(by_marker[p]) if isinstance(p, int) and p in by_marker else p for p in params]
            missing = set(names) - {slot.name for slot in slots if isinstance(slot, _Slot)}
            if missing:
                raise ValueError(f"Compiled: the query holds no place for {sorted(missing)}")
            found = self._compiled[key] = (sql, slots)
        return found

    @staticmethod
    def _params(slots: list, values: dict) -> list:
        return [values[slot.name] if isinstance(slot, _Slot) else slot for slot in slots]

    def first(self, model, *, using: str | None = None, **values):
        """The first row as an instance of `model` (all its fields, as the queryset selects them), or None."""
        alias = using or model._default_manager.db
        sql, slots = self._sql(alias, "first", sorted(values))
        return next(iter(model._default_manager.db_manager(alias).raw(sql, self._params(slots, values))), None)

    def exists(self, *, using: str = "default", **values) -> bool:
        sql, slots = self._sql(using, "exists", sorted(values))
        with connections[using].cursor() as cursor:
            cursor.execute(sql, self._params(slots, values))
            return cursor.fetchone() is not None


class _Slot:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name
