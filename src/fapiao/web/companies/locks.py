"""The company row lock: the first lock every multi-row write of one company takes.

Lock order in fapiao is the company row first, then the company's other rows.  An INSERT or
UPDATE of a row that references the company takes a KEY SHARE lock on the company row in
PostgreSQL, so a writer that locked an invoice (or inserted a search entry) before the company
row can deadlock with one that did it the other way round.  Taking this lock first makes
concurrent writers of one company queue instead.
"""

from __future__ import annotations

from fapiao.web.companies.models import Company


def company_lock(company_id: int) -> None:
    """Lock the company's row (SELECT … FOR UPDATE) for the rest of the current transaction."""
    list(Company.objects.select_for_update().filter(pk=company_id).values_list("pk"))
