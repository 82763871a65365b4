"""The member of a signed-in request, read by SQL compiled once (accounts.backends), and the session read through the
cache (settings.SESSION_ENGINE): the same member as the ORM reads, the same refusals, without the ORM's compilation
nor a query of the sessions' table at each request."""

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model, load_backend
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from compagnons.accounts import backends
from compagnons.accounts import services as accounts

pytestmark = pytest.mark.django_db


def _fields(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}


@pytest.mark.parametrize("path", settings.AUTHENTICATION_BACKENDS)
def test_each_backend_reads_the_same_member_as_the_orm(path, compagnon):
    backend = load_backend(path)
    read = backend.get_user(str(compagnon.pk))  # as the session holds it
    assert type(read) is get_user_model()
    assert _fields(read) == _fields(get_user_model()._default_manager.get(pk=compagnon.pk))
    assert read._state.adding is False and read._state.db == "default"


def test_the_sql_is_compiled_once_per_process(compagnon, apprenti, django_assert_num_queries):
    backends.member_by_id(compagnon.pk)
    with (
        mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled,
        django_assert_num_queries(2),
    ):
        assert backends.member_by_id(apprenti.pk).email == apprenti.email
        assert backends.member_by_id(str(compagnon.pk)).email == compagnon.email
    assert compiled.call_count == 0


@pytest.mark.parametrize("user_id", ["", "abc", "1.5", None, "999999", "99999999999999999999", "-99999999999999999999"])
def test_an_id_that_names_nobody_reads_nobody(user_id, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert backends.member_by_id(user_id) is None


def test_an_erased_member_is_signed_out_of_every_session(client, compagnon):
    """The member read is still refused when inactive (`user_can_authenticate`): an erased account's other sessions
    end at their next request."""
    client.force_login(compagnon)
    assert client.get("/espace/").status_code == 200
    accounts.erase_account(get_user_model().objects.get(pk=compagnon.pk), by=compagnon)
    for path in settings.AUTHENTICATION_BACKENDS:
        assert load_backend(path).get_user(str(compagnon.pk)) is None
    response = client.get("/espace/")
    assert response.status_code == 302 and "/comptes/" in response["Location"]


def test_a_signed_in_request_reads_its_session_from_the_cache(client, compagnon):
    client.force_login(compagnon)
    client.get("/ok")
    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled,
    ):
        assert client.get("/ok").status_code == 200
    assert compiled.call_count == 0  # neither the session nor the member through the ORM's compiler
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    assert [q for q in queries.captured_queries if "accounts_user" in q["sql"]]  # the member, read by backends
