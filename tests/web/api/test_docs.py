"""OpenAPI document and the docs page: generated, valid, and free of external URLs."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

pytestmark = pytest.mark.django_db


def test_openapi_json_is_valid_and_lists_every_router(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    spec = response.json()
    _check_openapi(spec)
    paths = set(spec["paths"])
    assert {"/api/invoices", "/api/invoices/{invoice_id}", "/api/invoices/upload"} <= paths
    assert "/api/reports/monthly" in paths
    assert spec["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_docs_page_loads_nothing_from_outside(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"https?://", html), "the docs page names an external URL"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert all(a.startswith("/api/docs/assets/") for a in assets)
    for asset in assets:
        fetched = client.get(asset)
        assert fetched.status_code == 200, asset
        assert b"".join(fetched.streaming_content)
    assert '"validatorUrl": null' in html
    assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html) is None


def test_docs_assets_are_a_fixed_list(client):
    assert client.get("/api/docs/assets/..%2F__init__.py").status_code == 404
    assert client.get("/api/docs/assets/redoc.standalone.js").status_code == 404


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _check_openapi(spec):
    """OpenAPI 3.1 essentials: version, info, operations with responses, sound schemas, refs."""
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"]
    assert spec["info"]["version"]
    operation_ids = []
    for path, item in spec["paths"].items():
        assert path.startswith("/api/")
        for method, operation in item.items():
            assert method in {"get", "post", "put", "patch", "delete"}
            assert operation["responses"], (path, method)
            operation_ids.append(operation["operationId"])
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in {"path", "query", "header", "cookie"}
                Draft202012Validator.check_schema(parameter["schema"])
    assert len(operation_ids) == len(set(operation_ids))
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    names = set(spec["components"]["schemas"])
    for ref in _refs(spec):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in names, ref
