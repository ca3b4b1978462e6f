"""schemathesis against the running application: every operation of ``/api/openapi.json``,
called through the WSGI application with an authenticated write token, answers no 5xx, and every
answer conforms to the schema (status code, content type, body).

The examples per operation are bounded so that the whole run stays within about a minute of CPU.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fapiao.web.api.models import TokenScope
from fapiao.web.api.services import api_token_create
from web.security.world import build_world

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 60
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _exercise(operation: Any, headers: dict[str, str], calls: dict[str, int]) -> None:
    """Generated cases of one operation, each called and validated against the schema."""
    label = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)
        calls[label] = calls.get(label, 0) + 1

    check()


@pytest.fixture
def _connection_kept_between_requests():
    """As Django's test client does: the end of a WSGI request must not close the connection
    that holds the test's transaction (on PostgreSQL it would, its autocommit being off)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.usefixtures("_connection_kept_between_requests")
def test_every_operation_conforms_to_the_schema_and_never_answers_5xx():
    world = build_world()
    _, token = api_token_create(
        user=world.victim_admin, company=world.victim, name="schemathesis", scope=TokenScope.WRITE
    )
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    calls: dict[str, int] = {}
    began = time.process_time()
    for operation in operations:
        _exercise(operation, headers, calls)
    elapsed = time.process_time() - began
    print(
        f"schemathesis: {sum(calls.values())} calls, {len(calls)} operations, {elapsed:.1f} s CPU"
    )
    assert len(calls) == len(operations)
    assert elapsed < 120
