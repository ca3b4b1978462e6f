"""Company pages: list, switch, create, settings, members and roles, bulk assignment."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fapiao.web.accounts.selectors import user_get_by_email
from fapiao.web.accounts.sessions import reauth_required
from fapiao.web.companies import selectors, services
from fapiao.web.companies.forms import (
    BulkAssignForm,
    CompanyCreateForm,
    CompanySettingsForm,
    MemberAddForm,
    MemberRoleForm,
)
from fapiao.web.companies.models import Role, TaxpayerType
from fapiao.web.shell.middleware import COMPANY_SESSION_KEY
from fapiao.web.shell.permissions import company_required, login_required_view


@login_required_view
def company_list(request: HttpRequest) -> HttpResponse:
    """我的公司 (my companies) with the role in each."""
    memberships = selectors.membership_roles_for_user(user=request.user)  # type: ignore[arg-type]
    return render(request, "companies/list.html", {"memberships": memberships})


@require_POST
@login_required_view
def company_switch(request: HttpRequest) -> HttpResponse:
    """切换公司 (switch company): only to a company the user is a member of."""
    try:
        company_id = int(request.POST.get("company", ""))
    except ValueError:
        raise Http404 from None
    membership = selectors.membership_for_user(user=request.user, company_id=company_id)  # type: ignore[arg-type]
    if membership is None:
        raise Http404
    request.session[COMPANY_SESSION_KEY] = membership.company_id
    url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "/"
    return HttpResponseRedirect(url)


@login_required_view
def company_create(request: HttpRequest) -> HttpResponse:
    """新建公司 (new company): the creator becomes its admin."""
    form = CompanyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = services.company_create(
            name=form.cleaned_data["name"],
            tax_id=form.cleaned_data["tax_id"],
            taxpayer_type=TaxpayerType(form.cleaned_data["taxpayer_type"]),
            actor=request.user,  # type: ignore[arg-type]
        )
        request.session[COMPANY_SESSION_KEY] = company.pk
        messages.success(request, _("公司已创建 · Company created"))
        return redirect("shell:home")
    return render(request, "companies/create.html", {"form": form})


@company_required(Role.ADMIN)
def company_settings(request: HttpRequest) -> HttpResponse:
    """公司设置 (company settings) of the current company."""
    company = request.company  # type: ignore[attr-defined]
    form = CompanySettingsForm.for_company(company, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.company_update(
            company=company,
            name=form.cleaned_data["name"],
            taxpayer_type=form.cleaned_data["taxpayer_type"],
            preferences=form.preferences(),
            actor=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("已保存 · Saved"))
        return redirect("companies:settings")
    return render(request, "companies/settings.html", {"form": form, "company": company})


@company_required(Role.ADMIN)
def member_list(request: HttpRequest) -> HttpResponse:
    """成员与角色 (members and roles); adds an existing user by e-mail."""
    company = request.company  # type: ignore[attr-defined]
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_get_by_email(email=form.cleaned_data["email"])
        if user is None:
            form.add_error("email", _("没有使用该邮箱的用户 · No user has this e-mail address"))
        else:
            services.membership_grant(
                company=company,
                user=user,
                role=Role(form.cleaned_data["role"]),
                actor=request.user,  # type: ignore[arg-type]
            )
            messages.success(request, _("成员已添加 · Member added"))
            return redirect("companies:members")
    return render(
        request,
        "companies/members.html",
        {
            "form": form,
            "memberships": selectors.membership_list(company=company),
            "roles": Role.choices,
        },
    )


@require_POST
@company_required(Role.ADMIN)
@reauth_required
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    """更改角色 (change a member's role)."""
    membership = selectors.membership_get(company=request.company, pk=pk)  # type: ignore[attr-defined]
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(
                membership=membership,
                role=Role(form.cleaned_data["role"]),
                actor=request.user,  # type: ignore[arg-type]
            )
        except services.LastAdminError:
            messages.error(request, _("公司至少需要一名管理员 · A company needs an admin"))
        else:
            messages.success(request, _("角色已更改 · Role changed"))
    return redirect("companies:members")


@require_POST
@company_required(Role.ADMIN)
@reauth_required
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """移除成员 (remove a member)."""
    membership = selectors.membership_get(company=request.company, pk=pk)  # type: ignore[attr-defined]
    try:
        services.membership_revoke(membership=membership, actor=request.user)  # type: ignore[arg-type]
    except services.LastAdminError:
        messages.error(request, _("公司至少需要一名管理员 · A company needs an admin"))
    else:
        messages.success(request, _("成员已移除 · Member removed"))
    return redirect("companies:members")


@company_required(Role.ADMIN)
@reauth_required
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """批量分配 (bulk assignment): one staff user, one role, many client companies."""
    administered = selectors.company_list_administered(user=request.user)  # type: ignore[arg-type]
    form = BulkAssignForm(request.POST or None, administered=administered)
    if request.method == "POST" and form.is_valid():
        user = user_get_by_email(email=form.cleaned_data["email"])
        if user is None:
            form.add_error("email", _("没有使用该邮箱的用户 · No user has this e-mail address"))
        else:
            companies = list(form.cleaned_data["companies"])
            services.membership_bulk_assign(
                companies=companies,
                user=user,
                role=Role(form.cleaned_data["role"]),
                actor=request.user,  # type: ignore[arg-type]
            )
            messages.success(
                request,
                _("已分配到 %(count)d 家公司 · Assigned to %(count)d companies")
                % {"count": len(companies)},
            )
            return redirect("companies:bulk_assign")
    return render(request, "companies/bulk_assign.html", {"form": form})
