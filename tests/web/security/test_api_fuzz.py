"""A bounded, schemathesis-like property test: every operation of ``/api/openapi.json`` called
with generated path, query and body values never answers 5xx (hypothesis)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from web.security.openapi import Operation, load_spec, minimal, operations
from web.security.world import build_world

pytestmark = pytest.mark.django_db

_PATH_PARAM = re.compile(r"\{(\w+)\}")
_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "0", "-1", "9" * 30, "' OR 1=1 --", "<script>", "２０２５-０１-０１", "\x00"]
    ),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


def _value(spec: dict[str, Any], schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    kind = schema.get("type")
    if kind == "integer":
        return st.integers(min_value=-(2**63), max_value=2**63 - 1)
    if kind == "boolean":
        return st.sampled_from(["true", "false", "maybe"])
    return _TEXT


def _body(spec: dict[str, Any], op: Operation) -> st.SearchStrategy[Any]:
    if op.body is None:
        return st.none()
    valid = minimal(spec, op.body)
    mutated = (
        st.fixed_dictionaries({k: st.one_of(st.just(v), _JSON) for k, v in valid.items()})
        if isinstance(valid, dict)
        else st.just(valid)
    )
    return st.one_of(st.just(valid), mutated, _JSON)


def _request(spec: dict[str, Any], op: Operation) -> st.SearchStrategy[tuple[str, dict, Any]]:
    path_values = {
        name: st.one_of(st.integers(min_value=-5, max_value=2**63 - 1), st.integers(1, 40))
        for name in _PATH_PARAM.findall(op.path)
    }
    query = {
        p["name"]: st.one_of(st.none(), _value(spec, p.get("schema", {})))
        for p in op.parameters
        if p.get("in") == "query"
    }
    return st.tuples(
        st.fixed_dictionaries(path_values),
        st.fixed_dictionaries(query),
        _body(spec, op),
    ).map(lambda t: (_PATH_PARAM.sub(lambda m: str(t[0][m.group(1)]), op.path), t[1], t[2]))


def test_no_operation_answers_5xx_to_generated_input(db):
    world = build_world()
    spec = load_spec()
    ops = list(operations(spec))
    assert len(ops) >= 20
    api = Client(headers={"Authorization": f"Bearer {world.attacker_token}"})
    seen: set[str] = set()
    answered: list[int] = []

    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def call(data: st.DataObject) -> None:
        op = data.draw(st.sampled_from(ops))
        path, query, body = data.draw(_request(spec, op))
        query = {k: v for k, v in query.items() if v is not None}
        seen.add(f"{op.method} {op.path}")
        if op.method == "get":
            response = api.get(path, query)
        elif op.is_multipart:
            upload = SimpleUploadedFile(
                data.draw(_TEXT) or "x.pdf", data.draw(st.binary(max_size=64))
            )
            response = api.post(path, {"files": upload, **query})
        else:
            payload = json.dumps(body, ensure_ascii=False)
            response = getattr(api, op.method)(path, payload, content_type="application/json")
        assert response.status_code < 500, f"{op.method.upper()} {path} {query} {body!r}"
        answered.append(response.status_code)

    call()
    assert len(seen) >= len(ops) // 2
    assert answered
    # The control: the same client and paths do reach the views.
    plain = [op for op in ops if op.method == "get" and "{" not in op.path]
    assert plain
    assert all(api.get(op.path).status_code == 200 for op in plain)
