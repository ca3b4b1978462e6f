"""公司注销页面 (company deletion pages): re-authenticate, then keep the records or shred them.

The admin re-enters the password and a TOTP code (or a recovery code) on the same form that
orders the deletion, so no earlier login stands in for it.  Keeping the records for the retention
period (``FAPIAO_RETENTION_YEARS``) is the default; crypto-shredding also needs the company name
typed out.  The work is done by the key services (:mod:`fapiao.web.keys.services_deletion`, also
used by ``fapiao keys``); both outcomes are events of the company's chain.  Too many failed
confirmations end the session.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from fapiao.web.accounts.selectors import user_has_device
from fapiao.web.accounts.services import otp_check
from fapiao.web.accounts.sessions import mark_reauthenticated, reauth_failed
from fapiao.web.companies.models import Company, Role
from fapiao.web.intake.requests import client_ip
from fapiao.web.keys.models import CompanyDeletion, DeletionStatus
from fapiao.web.keys.services_deletion import (
    DeletionRefusedError,
    company_delete,
    company_shred,
    retention_years,
)
from fapiao.web.shell.middleware import COMPANY_SESSION_KEY
from fapiao.web.shell.permissions import company_required, login_required_view

RETAIN, SHRED = "retain", "shred"


def _same_name(typed: str, name: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split())

    return bool(typed) and norm(typed) == norm(name)


class DeletionForm(forms.Form):
    """注销公司: the password, a TOTP code, the choice, and the name typed for shredding."""

    password = forms.CharField(
        label=_lazy("密码 · Password"), strip=False, widget=forms.PasswordInput
    )
    code = forms.CharField(
        label=_lazy("验证码或恢复码 · Authenticator or recovery code"), max_length=32
    )
    mode = forms.ChoiceField(
        label=_lazy("处理方式 · What happens to the records"),
        choices=(
            (RETAIN, _lazy("保留至保留期满（默认） · Keep until retention ends (default)")),
            (SHRED, _lazy("销毁密钥（不可恢复） · Crypto-shred the records (irreversible)")),
        ),
        initial=RETAIN,
        widget=forms.RadioSelect,
    )
    confirm_name = forms.CharField(
        label=_lazy("销毁时请输入公司全名 · To shred, type the company's full name"),
        required=False,
        max_length=200,
    )

    def __init__(self, *args: Any, company_name: str, shred_only: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.company_name = company_name
        if shred_only:
            self.fields["mode"].choices = [(SHRED, self.fields["mode"].choices[1][1])]  # type: ignore[attr-defined]
            self.fields["mode"].initial = SHRED

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == SHRED and not _same_name(
            data.get("confirm_name", ""), self.company_name
        ):
            self.add_error(
                "confirm_name",
                _("输入的名称与公司名称不一致 · The name typed does not match the company's name"),
            )
        return data


def _refuse(request: HttpRequest, form: DeletionForm, message: str) -> HttpResponse | None:
    """Count a failed confirmation (one count with the re-authentication page)."""
    ended = reauth_failed(request)
    if ended is None:
        form.add_error(None, message)
    return ended


def _confirm(request: HttpRequest, form: DeletionForm) -> HttpResponse | None:
    """Check the TOTP code (the services check the password); a response ends the request."""
    user = request.user
    if not user_has_device(user=user):
        form.add_error(
            None,
            _(
                "请先启用两步验证，再注销公司 · "
                "Turn on two-factor authentication before deleting a company"
            ),
        )
        return None
    if otp_check(user=user, code=form.cleaned_data["code"]) is None:  # type: ignore[arg-type]
        return _refuse(request, form, _("验证码不正确 · Wrong authenticator code"))
    return None


def _run(
    request: HttpRequest, form: DeletionForm, company: Company, *, delete_first: bool
) -> HttpResponse | None:
    """Re-authenticate and carry out the choice; a redirect when done, None to show the form."""
    stop = _confirm(request, form)
    if stop is not None or form.errors:
        return stop
    actor, password, ip = request.user, form.cleaned_data["password"], client_ip(request)
    try:
        if delete_first:
            company_delete(company=company, actor=actor, password=password, ip=ip)  # type: ignore[arg-type]
        if form.cleaned_data["mode"] == SHRED:
            company_shred(company=company, actor=actor, password=password, ip=ip)  # type: ignore[arg-type]
    except DeletionRefusedError as exc:
        return _refuse(request, form, f"{exc.message} · {exc.message_en}")
    mark_reauthenticated(request)
    if request.session.get(COMPANY_SESSION_KEY) == company.pk:
        request.session.pop(COMPANY_SESSION_KEY)
    if form.cleaned_data["mode"] == SHRED:
        messages.success(
            request, _("公司已注销，其密钥已销毁 · Company deleted and crypto-shredded")
        )
    else:
        messages.success(
            request,
            _("公司已注销，记录保留至 %(date)s · Company deleted; records kept until %(date)s")
            % {"date": company.deletion.retain_until.isoformat()},
        )
    return redirect("companies:list")


@require_http_methods(["GET", "POST"])
@company_required(Role.ADMIN)
def company_delete_view(request: HttpRequest) -> HttpResponse:
    """注销公司 (delete the current company): retention or crypto-shredding, re-authenticated."""
    company: Company = request.company  # type: ignore[attr-defined]
    form = DeletionForm(request.POST or None, company_name=company.name)
    if request.method == "POST" and form.is_valid():
        done = _run(request, form, company, delete_first=True)
        if done is not None:
            return done
    return render(
        request,
        "companies/delete.html",
        {"form": form, "company": company, "years": retention_years(), "shred_only": False},
    )


@login_required_view
def deleted_list_view(request: HttpRequest) -> HttpResponse:
    """已注销的公司 (companies I deleted): their retention, and crypto-shredding for those kept."""
    rows = CompanyDeletion.objects.filter(requested_by_id=request.user.pk).select_related("company")
    return render(request, "companies/deleted.html", {"rows": rows.order_by("-requested_at")})


@require_http_methods(["GET", "POST"])
@login_required_view
def deleted_shred_view(request: HttpRequest, pk: int) -> HttpResponse:
    """销毁密钥 (crypto-shred a company I deleted earlier), re-authenticated."""
    deletion = get_object_or_404(
        CompanyDeletion.objects.select_related("company"),
        pk=pk,
        requested_by_id=request.user.pk,
        status=DeletionStatus.RETAINED,
    )
    company = deletion.company
    form = DeletionForm(request.POST or None, company_name=company.name, shred_only=True)
    if request.method == "POST" and form.is_valid():
        done = _run(request, form, company, delete_first=False)
        if done is not None:
            return done
    return render(
        request,
        "companies/delete.html",
        {"form": form, "company": company, "years": retention_years(), "shred_only": True},
    )
