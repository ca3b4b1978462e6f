"""CSRF on every form, and XSS: stored through every text field of every model, reflected through
every query parameter, on every page (the list generated from the URL configuration)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.test import Client

from web.helpers import login_as
from web.security.world import World, build_world, fill, routes

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>xss()</script>"><img src=x onerror=xss()>'
MARKERS = ("<script>xss()", "<img src=x onerror")
REFLECTED = ("q", "search", "action", "actor", "status", "name", "number", "seller", "next")


def _own_values(world: World, route: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for conv, name in route.params:
        if name == "page":
            values[name] = 1
        elif conv == "int":
            values[name] = min(world.ids()) if world.ids() else 1
        else:
            values[name] = "x"
    return values


def _urls(world: World) -> list[tuple[str, Any]]:
    out = []
    for route in routes():
        if not route.params:
            out.append((route.route, route))
            continue
        int_params = [n for c, n in route.params if c == "int" and n != "page"]
        choices = [sorted(world.ids()) for _ in int_params]
        for combo in itertools.islice(itertools.product(*choices), 40):
            values = _own_values(world, route) | dict(zip(int_params, combo, strict=True))
            out.append((fill(route.route, values), route))
    return out


def test_stored_and_reflected_payloads_are_escaped_on_every_page(client):
    world = build_world(text=PAYLOAD)
    assert len(world.rows) > 10
    login_as(client, world.victim_admin, world.victim, "admin")
    api = Client(headers={"Authorization": f"Bearer {world.attacker_token}"})
    query = dict.fromkeys(REFLECTED, PAYLOAD)
    pages, unsafe = 0, []
    for url, route in _urls(world):
        agent = api if route.module.startswith("ninja") else client
        response = agent.get(url, query)
        assert response.status_code < 500, f"GET {url} -> {response.status_code}"
        body = b"" if getattr(response, "streaming", False) else response.content
        content_type = response.get("Content-Type", "")
        if "html" in content_type or "javascript" in content_type:
            pages += 1
            text = body.decode(errors="replace")
            found = [m for m in MARKERS if m in text]
            if found:
                unsafe.append(f"{url} ({route.name}): {found}")
        if "json" in content_type:
            assert "nosniff" in response.get("X-Content-Type-Options", "")
    assert pages > 40
    assert not unsafe, "\n".join(unsafe)


def test_every_post_without_a_csrf_token_is_refused(db):
    world = build_world()
    client = Client(enforce_csrf_checks=True)
    login_as(client, world.victim_admin, world.victim, "admin")
    accepted = []
    checked = 0
    for route in routes():
        if route.module.startswith("ninja") or route.module == "functools":
            continue  # the API: bearer tokens, which browsers never send on their own
        url = fill(route.route, _own_values(world, route))
        response = client.post(url, {"name": "x"})
        checked += 1
        if response.status_code != 403:
            accepted.append(f"{url} ({route.name}) -> {response.status_code}")
    assert checked > 80
    assert not accepted, "\n".join(accepted)


def test_the_api_refuses_a_session_without_a_token(client):
    world = build_world()
    login_as(client, world.victim_admin, world.victim, "admin")
    assert client.get("/api/invoices").status_code == 401
    assert client.post("/api/claims", {}, content_type="application/json").status_code == 401
