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

import copy
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet

_MARKER_BASE = -(2**62)
# CompiledSlice's integer markers: within every integer column's range but the small ones (Django drops a condition
# on a value out of its column's range: the marker would vanish, and the query be refused), and held by no query
_SLICE_INT_MARKER = 2_147_483_000


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


class CompiledSlice:
    """A slice of a queryset (a page of a search) compiled once per database, shape and slice, then read with each
    call's values as the ORM reads it: its model instances, `select_related` objects and annotations built by the
    queryset's own iterable from the rows, only the compiling skipped. `shape`: what changes the SQL itself and
    goes to `build` as is (a site's order of métiers); `values`: what goes in as parameters, each through a marker
    (an integer `_SLICE_INT_MARKER + N`, a string `\\x00compiled:N\\x00`), which the query must hold.

        PAGE = CompiledSlice(lambda shape, match: Mission.objects.filter(...).order_by(...))
        PAGE.rows(start=0, stop=20, shape=site_key, match="mot:*")     # a list of Mission

    At most MAX_SHAPES compiled slices are kept (then all are forgotten). tests/core/test_compiled.py compares the
    rows with the ORM's."""

    MAX_SHAPES = 256

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: dict[tuple, tuple] = {}

    def rows(self, *, start: int, stop: int, shape=(), using: str = "default", **values) -> list:
        key = (using, start, stop, shape, tuple(sorted((name, type(value)) for name, value in values.items())))
        found = self._compiled.get(key)
        if found is None:
            found = self._compile(key, using, start, stop, shape, values)
        queryset, compiler, sql, slots = found
        params = Compiled._params(slots, values)
        run = copy.copy(compiler)
        run.connection = connections[using]
        run.as_sql = lambda *args, **kwargs: (sql, params)
        return list(queryset._iterable_class(_Reading(queryset, run)))

    def _compile(self, key, using, start, stop, shape, values) -> tuple:
        markers = {
            name: (_SLICE_INT_MARKER + n if isinstance(value, int) else f"\x00compiled:{n}\x00")
            for n, (name, value) in enumerate(sorted(values.items()))
        }
        queryset = self.build(shape, **markers).using(using)[start:stop]
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        by_marker = {value: name for name, value in markers.items()}
        slots = [_Slot(by_marker[p]) if isinstance(p, int | str) and p in by_marker else p for p in params]
        missing = set(values) - {slot.name for slot in slots if isinstance(slot, _Slot)}
        if missing:
            raise ValueError(f"CompiledSlice: the query holds no place for {sorted(missing)}")
        if len(self._compiled) >= self.MAX_SHAPES:
            self._compiled.clear()
        found = self._compiled[key] = (queryset, compiler, sql, slots)
        return found


class _Reading:
    """What a queryset's iterable reads of it (ModelIterable: its database, model, fetch mode, known related objects
    and its query's compiler; NamedValuesListIterable: the names of its values), with the compiler already set up
    and its SQL already written."""

    def __init__(self, queryset: QuerySet, compiler):
        self.db = queryset.db
        self.model = queryset.model
        self._fields = queryset._fields
        self._fetch_mode = queryset._fetch_mode
        self._known_related_objects = queryset._known_related_objects
        self.query = _Query(compiler)


class _Query:
    def __init__(self, compiler):
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler
