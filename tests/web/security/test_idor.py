"""IDOR (越权访问): every URL that takes an id, generated from the URL configuration, is tried with
the ids of another company's rows, by page (session) and by API token, with GET and POST.

Nothing may answer anything but 403, 404 or 405, and the victim's data must not change.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from fapiao.web.events.models import Event
from web.helpers import login_as
from web.security.openapi import load_spec, minimal_body
from web.security.world import World, build_world, fill, routes

pytestmark = pytest.mark.django_db

REFUSED = {403, 404, 405}
BY_NAME = {
    "invoice_id": "invoices.invoicerecord",
    "source_id": "invoices.invoicesource",
    "claim_id": "claims.claim",
    "item_pk": "claims.claimitem",
    "batch_id": "intake.intakebatch",
    "run_id": "reconciliation.reconciliationrun",
    "result_id": "reconciliation.reconciliationresult",
}
STRINGS = {
    "kind": ["tax", "deduction", "booking"],
    "action": ["submit", "approve", "return", "reject", "pay", "withdraw"],
}
MAX_COMBINATIONS = 120


def _candidates(world: World, conv: str, name: str) -> list[Any]:
    if name == "page":
        return [1]
    if conv == "int":
        specific = world.ids_of(BY_NAME[name]) if name in BY_NAME else set()
        return sorted(specific or world.ids())
    return STRINGS.get(name, ["x"])


def _snapshot(world: World) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for label, rows in world.rows.items():
        model = type(rows[0])
        fresh = model.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")
        out[label] = [
            {k: v for k, v in model_to_dict(r).items() if k not in {"last_used_at"}} for r in fresh
        ]
    return out


def test_the_victim_world_covers_the_models_behind_the_urls(db):
    world = build_world()
    for label in BY_NAME.values():
        assert world.ids_of(label), f"{label}: {world.unbuilt.get(label)}"
    assert world.ids_of("companies.membership")


def test_no_url_that_takes_an_id_reaches_another_companys_data(client):
    world = build_world()
    login_as(client, world.attacker, world.attacker_company, "admin")
    api = Client(headers={"Authorization": f"Bearer {world.attacker_token}"})
    spec = load_spec()
    before = _snapshot(world)
    events_before = Event.objects.filter(company=world.victim).count()
    tried, leaks = 0, []
    with_ids = [r for r in routes() if any(conv == "int" for conv, _ in r.params)]
    assert len(with_ids) > 40  # the generator sees the whole configuration
    for route in with_ids:
        choices = [_candidates(world, conv, name) for conv, name in route.params]
        combos = list(itertools.islice(itertools.product(*choices), MAX_COMBINATIONS))
        is_api = route.module.startswith("ninja")
        for combo in combos:
            url = fill(route.route, dict(zip([n for _, n in route.params], combo, strict=True)))
            for method in ("get", "post"):
                if is_api:  # a body the schema accepts, so the id lookup is what is tested
                    body = minimal_body(spec, method, url) or {}
                    response = getattr(api, method)(url, body, content_type="application/json")
                else:
                    response = getattr(client, method)(url)
                tried += 1
                if response.status_code not in REFUSED:
                    leaks.append(f"{method.upper()} {url} ({route.name}) -> {response.status_code}")
    assert not leaks, "\n".join(leaks)
    assert tried > 150
    assert _snapshot(world) == before
    assert Event.objects.filter(company=world.victim).count() == events_before


def test_the_same_urls_do_answer_the_owner(client):
    """The control: the victim's own admin reaches the rows the attacker could not."""
    world = build_world()
    login_as(client, world.victim_admin, world.victim, "admin")
    [invoice] = world.ids_of("invoices.invoicerecord")
    [claim] = world.ids_of("claims.claim")
    assert client.get(f"/invoices/{invoice}/").status_code == 200
    assert client.get(f"/claims/{claim}/").status_code == 200


def test_switching_to_a_company_one_is_not_a_member_of_is_refused(client):
    world = build_world()
    login_as(client, world.attacker, world.attacker_company, "admin")
    response = client.post("/companies/switch/", {"company": world.victim.pk})
    assert response.status_code in {302, 403, 404}
    page = client.get("/invoices/")
    assert world.victim.name not in page.content.decode()
