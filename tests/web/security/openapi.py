"""The API's own OpenAPI document, read to build requests: minimal valid bodies, operations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.test import Client


def load_spec() -> dict[str, Any]:
    """``/api/openapi.json`` as served."""
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def minimal(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """The smallest value that the schema accepts (required properties only)."""
    schema = _resolve(spec, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return minimal(spec, schema[key][0], depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        return {
            name: minimal(spec, sub, depth + 1)
            for name, sub in schema.get("properties", {}).items()
            if name in required and depth < 6
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2025-01-15"
    return "x" * max(1, int(schema.get("minLength", 1)))


@dataclass(frozen=True)
class Operation:
    """One API operation: method, path template, its parameters and JSON body schema."""

    method: str
    path: str
    parameters: tuple[dict[str, Any], ...]
    body: dict[str, Any] | None
    is_multipart: bool


def operations(spec: dict[str, Any]) -> Iterator[Operation]:
    """Every operation of the document."""
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            content = (op.get("requestBody") or {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            yield Operation(
                method,
                path,
                tuple(op.get("parameters", [])),
                body,
                "multipart/form-data" in content,
            )


def minimal_body(spec: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    """The minimal JSON body of the operation at this concrete path, if it takes one."""
    parts = path.rstrip("/").split("/")
    for op in operations(spec):
        template = op.path.rstrip("/").split("/")
        if op.method != method or len(template) != len(parts):
            continue
        if all(t == p or t.startswith("{") for t, p in zip(template, parts, strict=True)):
            return minimal(spec, op.body) if op.body is not None else None
    return None
