"""core.compiled: the ORM's SQL compiled once, run with each call's values — the same answers as the ORM's."""

from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler

from compagnons.accounts import services as accounts
from compagnons.accounts.models import User
from compagnons.core.compiled import Compiled
from compagnons.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_first_reads_the_same_instance_as_the_orm_and_none_for_nobody(compagnon, apprenti):
    by_email = Compiled(lambda pk, other: User.objects.filter(pk=pk).exclude(pk=other))
    for member in (compagnon, apprenti):
        read = by_email.first(User, pk=member.pk, other=0)
        assert _fields(read) == _fields(User.objects.get(pk=member.pk))  # dates, booleans, JSON as the ORM's
    assert by_email.first(User, pk=compagnon.pk, other=compagnon.pk) is None  # each value in its own place
    assert by_email.first(User, pk=10**12, other=0) is None


def test_exists_keeps_the_querys_own_constants(compagnon):
    """The compiled query's constants (here the action) stay; only the named values change."""
    login = Compiled(lambda actor: AuditLog.objects.filter(actor_id=actor, action="auth.login"))
    assert login.exists(actor=compagnon.pk) is AuditLog.objects.filter(actor=compagnon, action="auth.login").exists()
    assert login.exists(actor=10**12) is False


def test_compiled_once_per_database_and_kind(compagnon):
    query = Compiled(lambda pk: User.objects.filter(pk=pk))
    query.first(User, pk=compagnon.pk)
    query.exists(pk=compagnon.pk)
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        for _ in range(3):
            assert query.first(User, pk=compagnon.pk).pk == compagnon.pk
            assert query.exists(pk=compagnon.pk)
    assert compiled.call_count == 0


def test_a_value_the_query_does_not_hold_is_refused():
    ignoring = Compiled(lambda pk: User.objects.all())
    with pytest.raises(ValueError, match="pk"):
        ignoring.exists(pk=1)


def test_has_mfa_asks_the_compiled_query(formateur):
    """A team member's every request asks it (accounts.middleware.StaffMFAMiddleware)."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    assert accounts.has_mfa(formateur) is False
    RecoveryCodes.activate(formateur)
    assert accounts.has_mfa(formateur) is False  # recovery codes alone do not count
    TOTP.activate(formateur, generate_totp_secret())
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        assert accounts.has_mfa(formateur) is True
    assert compiled.call_count == 0


def test_a_compiled_slice_reads_what_the_orm_reads(compagnon, apprenti, formateur):
    """Instances with their related objects (select_related) and annotations, for integer and text values, each
    slice and shape compiled once."""
    from django.db.models import Value
    from django.db.models.functions import Concat

    from compagnons.core.compiled import CompiledSlice

    def build(shape, email, after):
        members = User.objects.exclude(email=email).filter(pk__gt=after).order_by("pk")
        if shape == "named":
            members = members.annotate(shown=Concat("first_name", Value(" "), "last_name"))
        return members

    page = CompiledSlice(build)
    everyone = list(User.objects.order_by("pk"))
    for shape in ((), "named"):
        for email, after, start in [(compagnon.email, 0, 0), (apprenti.email, everyone[0].pk, 1), ("x@y.z", 0, 2)]:
            read = page.rows(start=start, stop=start + 2, shape=shape, email=email, after=after)
            expected = list(build(shape, email, after)[start : start + 2])
            assert [_fields(m) for m in read] == [_fields(m) for m in expected]
            if shape == "named":
                assert [m.shown for m in read] == [m.shown for m in expected]
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        assert [m.pk for m in page.rows(start=0, stop=2, shape="named", email="", after=0)] == [
            m.pk for m in everyone[:2]
        ]
    assert compiled.call_count == 0


def test_a_compiled_slice_of_values_reads_the_orms_tuples_and_named_tuples(compagnon, apprenti):
    """A values list (missions.search's page) and a named one (the API's filtered list) read as the ORM reads them:
    the same tuples, and for a named one the same names (fails without the names carried to the iterable)."""
    from compagnons.core.compiled import CompiledSlice

    def build(shape, after):
        members = User.objects.filter(pk__gt=after).order_by("pk")
        return members.values_list("pk", "email", named=shape == "named")

    page = CompiledSlice(build)
    for shape in ((), "named"):
        read = page.rows(start=0, stop=3, shape=shape, after=0)
        expected = list(build(shape, 0)[0:3])
        assert read == expected and len(read) >= 2
        if shape == "named":
            assert [(row.pk, row.email) for row in read] == [(row.pk, row.email) for row in expected]


def test_a_compiled_slice_refuses_a_value_it_does_not_hold():
    from compagnons.core.compiled import CompiledSlice

    ignoring = CompiledSlice(lambda shape, email: User.objects.all())
    with pytest.raises(ValueError, match="email"):
        ignoring.rows(start=0, stop=1, email="a@b.c")
