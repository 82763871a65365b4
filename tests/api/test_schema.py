"""The OpenAPI 3.1 document, its documentation page under the CSP, and schemathesis against the live schema."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from compagnons.api.models import Scope
from tests.api.conftest import make_token
from tests.factories.missions import MissionFactory

pytestmark = pytest.mark.django_db

DOCUMENTED = {"401", "403", "404", "422", "429"}
EXAMPLES = 6  # per operation and mode: enough to catch a 500 or a wrong shape, small enough for a fast suite


def test_the_schema_is_openapi_3_1_and_documents_every_error(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    operations = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 18
    for path, method, operation in operations:
        assert set(operation["responses"]) >= DOCUMENTED, (method, path)
        for status in DOCUMENTED:
            answer = operation["responses"][status]
            assert list(answer["content"]) == ["application/problem+json"], (method, path, status)
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        assert operation["summary"]
    assert "bearer" in str(document["components"]["securitySchemes"]).lower()


def test_the_documentation_page_works_under_the_csp(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    text = response.text
    assert "/api/v1/missions" in text and "read:profile" in text
    assert "cdn" not in text.lower()
    assert "<script>" not in text  # every script of the layout carries its nonce or is a file


def test_unknown_methods_are_refused(client):
    assert client.delete("/api/v1/missions").status_code == 405


# --- schemathesis ---------------------------------------------------------------------------------------------


@pytest.fixture
def keep_connection():
    """As Django's test client does: the WSGI handler must not close the test's connection at the end of each
    request (on PostgreSQL it would, being inside the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_no_failure(formateur, competences, mode, keep_connection):
    """Every operation of the live schema (read from /api/v1/openapi.json through the WSGI application), valid and
    invalid input, with a team member's token holding every scope (so that personal and team operations answer, not
    only 401): no 500, status codes, content types, headers and bodies as documented.

    Left out: `positive_data_acceptance` (« a schema-valid request must not get a 4xx »). The API answers 422 to
    what no schema can express — an opaque cursor that is not one of ours, a service's refusal (the mission no longer
    takes applications, the cap is reached) — and says why in a documented problem; every other check runs."""
    MissionFactory(published=True)
    headers = {"Authorization": f"Bearer {make_token(formateur, [s.value for s in Scope])}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    document = schema.raw_schema["paths"]
    for operation in operations:
        spec = document[operation.path][operation.method.lower()]
        if mode == GenerationMode.NEGATIVE and not (spec.get("parameters") or spec.get("requestBody")):
            continue  # no input to get wrong (the token is tried without and with the wrong scope elsewhere)

        excluded = [positive_data_acceptance]
        if mode == GenerationMode.NEGATIVE and spec.get("security"):
            # The token put over the case's own Authorization header (so that the operation answers, not only 401)
            # undoes the case's invalid part whenever that part was the header (missing or malformed): a refusal
            # cannot be expected then. Every other check still runs on these operations (no 500, documented
            # statuses, content types and bodies); the refusal of a bad or missing token is tested operation by
            # operation in test_every_operation.py.
            excluded.append(negative_data_rejection)

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=excluded)  # noqa: B023 - called below, in this turn

        try:
            check()
        except Unsatisfiable:
            # A free string in a path has no invalid form: nothing to send for that part.
            assert mode == GenerationMode.NEGATIVE, operation.path
