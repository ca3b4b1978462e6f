"""The search page (检索): one box, filters, live results (htmx), and saved filters (常用筛选).

The page catches the index up with the company's latest events, then reads one page through the
company-scoped selector; an htmx request gets only the results fragment.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fapiao.web.companies.models import Role
from fapiao.web.companies.selectors import membership_list
from fapiao.web.search.forms import SavedFilterForm, SearchForm
from fapiao.web.search.models import SavedFilter
from fapiao.web.search.selectors import invoice_search, saved_filter_get, saved_filter_list
from fapiao.web.search.services import (
    saved_filter_delete,
    saved_filter_save,
    search_index_catch_up,
)
from fapiao.web.shell.permissions import company_required

REVIEWER_ROLES = (Role.ADMIN, Role.REVIEWER)


def _reviewers(request: HttpRequest) -> list[tuple[int, str]]:
    members = membership_list(company=request.company)  # type: ignore[attr-defined]
    return [
        (m.user.pk, m.user.get_full_name() or m.user.get_username())
        for m in members
        if m.role in REVIEWER_ROLES
    ]


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _clean_query(data: QueryDict) -> str:
    return urlencode([(k, v) for k, v in data.items() if k not in {"page", "csrfmiddlewaretoken"}])


@company_required()
@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """检索: the one search box with filters; htmx requests get the results fragment."""
    company = request.company  # type: ignore[attr-defined]
    search_index_catch_up(company=company)
    form = SearchForm(request.GET or None, reviewers=_reviewers(request))
    params = form.params() if form.is_bound else SearchForm(reviewers=[]).params()
    results = invoice_search(company=company, params=params)
    query = _clean_query(request.GET)
    context = {
        "form": form,
        "results": results,
        "query": query,
        "saved_filters": saved_filter_list(company=company, user_id=_user_id(request)),
        "save_form": SavedFilterForm(initial={"query": query}),
    }
    template = "search/search.html#results" if request.headers.get("HX-Request") else None
    return render(request, template or "search/search.html", context)


@company_required()
@require_POST
def saved_filter_create_view(request: HttpRequest) -> HttpResponse:
    """Save the current query and filters under a name."""
    form = SavedFilterForm(request.POST)
    if form.is_valid():
        saved_filter_save(
            company=request.company,  # type: ignore[attr-defined]
            user=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            query=form.cleaned_data["query"] or "",
        )
        messages.success(request, _("已保存筛选 · Filter saved"))
        return HttpResponseRedirect(f"{reverse('search:search')}?{form.cleaned_data['query']}")
    messages.error(request, _("请填写筛选名称 · Give the filter a name"))
    return HttpResponseRedirect(reverse("search:search"))


@company_required()
@require_GET
def saved_filter_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the search page with a saved filter."""
    try:
        company = request.company  # type: ignore[attr-defined]
        saved = saved_filter_get(company=company, user_id=_user_id(request), pk=pk)
    except SavedFilter.DoesNotExist:
        raise Http404 from None
    return HttpResponseRedirect(f"{reverse('search:search')}?{saved.query}")


@company_required()
@require_POST
def saved_filter_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's saved filters."""
    try:
        saved_filter_delete(company=request.company, user=request.user, pk=pk)  # type: ignore[attr-defined, arg-type]
    except SavedFilter.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("已删除筛选 · Filter deleted"))
    return HttpResponseRedirect(reverse("search:search"))
