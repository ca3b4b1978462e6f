"""Background work of the search index (django-tasks): catch up with a company's events."""

from __future__ import annotations

from django_tasks import task

from fapiao.web.companies.models import Company
from fapiao.web.search.services import search_index_catch_up


@task()
def search_index_catch_up_task(company_id: int) -> int:
    """Index what changed in the company since the last run (idempotent)."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        return 0
    total = 0
    while count := search_index_catch_up(company=company):
        total += count
    return total
