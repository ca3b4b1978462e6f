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
from django.core.wsgi import get_wsgi_application
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
