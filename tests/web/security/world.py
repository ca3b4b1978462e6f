"""Two companies for attack tests: a victim that owns one row of every model, an attacker.

The victim's rows are made generically (every required field filled by its type), so a model or
an endpoint added later is attacked without anyone editing these tests.  The attacker is an admin
of an empty company, with an API token; its own rows get ids far above the victim's, so an id in
a URL can only ever name the victim's data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from fapiao.core.reconciliation import Category
from fapiao.web.api.models import ApiToken, TokenScope
from fapiao.web.api.services import api_token_create
from fapiao.web.companies.models import Company, Membership, Role
from web.companies.factories import CompanyFactory, UserFactory
from web.invoices.factories import InvoiceRecordFactory, StoredFileFactory

ATTACKER_IDS = 900_000
SKIPPED_MODELS = {
    "companies.company",
    "events.event",
    "keys.companykey",
    "keys.companydeletion",
    "accounts.profile",
    "ops.scheduledjob",
    "ops.jobrun",
    "search.indexcursor",
}


@dataclass
class World:
    """The victim's rows by model label, and the attacker's credentials."""

    victim: Company
    victim_admin: Any
    attacker_company: Company
    attacker: Any
    attacker_token: str
    rows: dict[str, list[models.Model]] = field(default_factory=dict)
    unbuilt: dict[str, str] = field(default_factory=dict)

    def ids(self) -> set[int]:
        """Every integer id of the victim's rows."""
        return {int(r.pk) for rows in self.rows.values() for r in rows if isinstance(r.pk, int)}

    def ids_of(self, label: str) -> set[int]:
        """The victim's ids of one model (``app_label.modelname``)."""
        return {int(r.pk) for r in self.rows.get(label, [])}


def _value(
    f: models.Field[Any, Any], world: World, made: dict[str, models.Model], text: str
) -> Any:
    override = OVERRIDES.get(f"{f.model._meta.label_lower}.{f.name}")
    if override is not None:
        return override
    if f.choices:
        return f.choices[0][0]
    if isinstance(f, models.ForeignKey | models.OneToOneField):
        target = f.related_model._meta.label_lower  # type: ignore[union-attr]
        if target == "companies.company":
            return world.victim
        if target == apps.get_model("auth", "User")._meta.label_lower:
            return world.victim_admin
        if target in made:
            return made[target]
        raise LookupError(target)
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.DecimalField):
        return Decimal("1.00")
    if isinstance(f, models.IntegerField):
        return 1
    if isinstance(f, models.FloatField):
        return 1.0
    if isinstance(f, models.DateTimeField):
        return timezone.now()
    if isinstance(f, models.DateField):
        return dt.date(2025, 1, 15)
    if isinstance(f, models.JSONField):
        return {}
    if isinstance(f, models.BinaryField):
        return b"x"
    if isinstance(f, models.GenericIPAddressField):
        return "192.0.2.1"
    if isinstance(f, models.CharField | models.TextField):
        size = f.max_length or 1000
        if "sha" in f.name:
            return ("9" * 64)[: min(size, 64)]
        return text if len(text) <= size else "x"
    raise LookupError(type(f).__name__)


def _make(
    model: type[models.Model], world: World, made: dict[str, models.Model], text: str
) -> models.Model:
    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.has_default() or getattr(f, "auto_now_add", False):
            if f.name == "company":
                values["company"] = world.victim
            continue
        if f.null and not isinstance(f, models.ForeignKey):
            continue
        if f.null and isinstance(f, models.ForeignKey):
            target = f.related_model._meta.label_lower  # type: ignore[union-attr]
            if target not in made and target != "companies.company":
                continue
        values[f.name] = _value(f, world, made, text)
    with transaction.atomic():
        return model.objects.create(**values)


def build_world(text: str = "x") -> World:
    """The victim with one row of every model (where one can be made), and the attacker.

    Required text fields hold ``text`` where the database accepts it (an XSS payload, say).
    """
    victim = CompanyFactory()
    victim_admin = UserFactory()
    Membership.objects.create(user=victim_admin, company=victim, role=Role.ADMIN)
    attacker_company = CompanyFactory()
    attacker = UserFactory()
    world = World(victim, victim_admin, attacker_company, attacker, "")
    made: dict[str, models.Model] = {}
    stored = StoredFileFactory(company=victim)
    made["invoices.storedfile"] = stored
    made["invoices.invoicerecord"] = InvoiceRecordFactory(company=victim)
    victim_token, _ = api_token_create(user=victim_admin, company=victim, name="victim")
    made["api.apitoken"] = victim_token
    made["companies.membership"] = Membership.objects.create(
        user=UserFactory(), company=victim, role=Role.CLERK
    )
    pending = [
        m
        for m in apps.get_models()
        if m.__module__.startswith("fapiao.web.")
        and m._meta.label_lower not in SKIPPED_MODELS
        and m._meta.label_lower not in made
    ]
    for _ in range(4):  # a few passes: a model waits for the models its keys point to
        waiting = []
        for model in pending:
            for value in dict.fromkeys((text, "x")):
                try:
                    made[model._meta.label_lower] = _make(model, world, made, value)
                    break
                except (LookupError, IntegrityError, ValueError, TypeError) as exc:
                    world.unbuilt[model._meta.label_lower] = f"{type(exc).__name__}: {exc}"[:120]
            else:
                waiting.append(model)
        pending = waiting
    for label, row in made.items():
        world.unbuilt.pop(label, None)
        world.rows.setdefault(label, []).append(row)
    # The attacker's own rows come last, renumbered far above every id of the victim.
    membership = Membership.objects.create(user=attacker, company=attacker_company, role="admin")
    Membership.objects.filter(pk=membership.pk).update(id=ATTACKER_IDS)
    token, world.attacker_token = api_token_create(
        user=attacker, company=attacker_company, name="attacker", scope=TokenScope.WRITE
    )
    ApiToken.objects.filter(pk=token.pk).update(id=ATTACKER_IDS + 1)
    return world


OVERRIDES: dict[str, Any] = {
    # Text columns whose allowed values are an enum of the core rather than field choices.
    "reconciliation.reconciliationresult.category": next(iter(Category)).value,
}

_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern of the whole configuration, with its full route text."""

    route: str
    name: str
    module: str
    params: tuple[tuple[str, str], ...]


def routes() -> Iterator[Route]:
    """Every URL pattern, generated from the URL configuration."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                params = tuple(
                    (m.group("conv") or "str", m.group("name")) for m in _PARAM.finditer(route)
                )
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
                module = getattr(p.callback, "__module__", "")
                yield Route("/" + route, name, module, params)

    yield from walk(list(get_resolver().url_patterns), "", "")


def fill(route: str, values: dict[str, Any]) -> str:
    """The route with each ``<conv:name>`` replaced by ``values[name]``."""
    return _PARAM.sub(lambda m: str(values[m.group("name")]), route)
