"""Alert pages: the list (every member), status changes (admins, reviewers), and the settings
page (admins): channels, thresholds, the risk list and the holiday calendar."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fapiao.core.errors import FapiaoError
from fapiao.web.alerts import selectors, services
from fapiao.web.alerts.detection import alerts_detect
from fapiao.web.alerts.forms import ChannelForm, ThresholdsForm, UploadForm
from fapiao.web.alerts.models import AlertStatus
from fapiao.web.companies.models import Company, Role
from fapiao.web.shell.permissions import company_required

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _actor(request: HttpRequest) -> AbstractBaseUser:
    return cast("AbstractBaseUser", request.user)


def _company(request: HttpRequest) -> Company:
    company: Company = request.company  # type: ignore[attr-defined]
    return company


@company_required()
def alert_list(request: HttpRequest) -> HttpResponse:
    """预警列表 of the current company."""
    status = request.GET.get("status")
    if status not in AlertStatus.values:
        status = AlertStatus.OPEN if status is None else None
    rows = selectors.alert_list(company=_company(request), status=status)[:300]
    return render(
        request,
        "alerts/list.html",
        {"rows": rows, "status": status or "", "statuses": AlertStatus.choices},
    )


@require_POST
@company_required(Role.ADMIN, Role.REVIEWER)
def alert_status(request: HttpRequest, pk: int) -> HttpResponse:
    """确认 / 解决 / 重新打开 one alert."""
    try:
        alert = selectors.alert_get(company=_company(request), pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    try:
        services.alert_transition(
            alert=alert,
            actor=_actor(request),
            status=request.POST.get("status", ""),
        )
    except (FapiaoError, KeyError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    return redirect("alerts:list")


def _settings_context(request: HttpRequest, **forms: object) -> dict[str, object]:
    company = _company(request)
    settings_row = selectors.alert_settings_get(company=company)
    return {
        "channels": selectors.channel_list(company=company),
        "settings_row": settings_row,
        "calendar_days": len(settings_row.calendar),
        "channel_form": forms.get("channel_form") or ChannelForm(),
        "thresholds_form": forms.get("thresholds_form")
        or ThresholdsForm(thresholds=selectors.thresholds_get(company=company)),
        "risk_form": UploadForm(prefix="risk"),
        "calendar_form": UploadForm(prefix="calendar"),
    }


@company_required(Role.ADMIN)
def alert_settings(request: HttpRequest) -> HttpResponse:
    """预警设置: channels, thresholds, risk list, calendar."""
    return render(request, "alerts/settings.html", _settings_context(request))


@require_POST
@company_required(Role.ADMIN)
def channel_add(request: HttpRequest) -> HttpResponse:
    """Add a delivery channel."""
    form = ChannelForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "alerts/settings.html",
            _settings_context(request, channel_form=form),
            status=400,
        )
    data = form.cleaned_data
    services.channel_save(
        company=_company(request),
        actor=_actor(request),
        kind=data["kind"],
        target=data["target"],
        secret=data.get("secret") or "",
        max_per_hour=data["max_per_hour"],
    )
    messages.success(request, _("已添加渠道 · Channel added"))
    return redirect("alerts:settings")


@require_POST
@company_required(Role.ADMIN)
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a delivery channel of the current company."""
    try:
        channel = selectors.channel_get(company=_company(request), pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    services.channel_delete(channel=channel, actor=_actor(request))
    messages.success(request, _("已删除渠道 · Channel removed"))
    return redirect("alerts:settings")


@require_POST
@company_required(Role.ADMIN)
def thresholds_save(request: HttpRequest) -> HttpResponse:
    """Save the thresholds."""
    company = _company(request)
    form = ThresholdsForm(request.POST, thresholds=selectors.thresholds_get(company=company))
    if not form.is_valid():
        return render(
            request,
            "alerts/settings.html",
            _settings_context(request, thresholds_form=form),
            status=400,
        )
    services.thresholds_save(company=company, actor=_actor(request), thresholds=form.thresholds())
    messages.success(request, _("已保存阈值 · Thresholds saved"))
    return redirect("alerts:settings")


def _upload(request: HttpRequest, prefix: str) -> tuple[bytes, str] | None:
    form = UploadForm(request.POST, request.FILES, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("请选择文件 · Choose a file"))
        return None
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, _("文件太大 · The file is too large"))
        return None
    return upload.read(), upload.name or ""


@require_POST
@company_required(Role.ADMIN)
def risk_list_upload(request: HttpRequest) -> HttpResponse:
    """Upload the 异常凭证/失控发票 list (CSV or workbook)."""
    got = _upload(request, "risk")
    if got is not None:
        try:
            row = services.risk_list_upload(
                company=_company(request),
                actor=_actor(request),
                data=got[0],
                filename=got[1],
            )
        except FapiaoError as exc:
            messages.error(request, f"{exc.message} / {exc.message_en}")
        else:
            messages.success(
                request,
                _("已导入风险名单 %(n)d 条 · Risk list: %(n)d entries") % {"n": len(row.risk_list)},
            )
    return redirect("alerts:settings")


@require_POST
@company_required(Role.ADMIN)
def calendar_upload(request: HttpRequest) -> HttpResponse:
    """Upload holiday calendar days (CSV ``date,type``)."""
    got = _upload(request, "calendar")
    if got is not None:
        try:
            row = services.calendar_upload(
                company=_company(request), actor=_actor(request), data=got[0]
            )
        except (FapiaoError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        else:
            messages.success(
                request, _("日历共 %(n)d 天 · Calendar: %(n)d days") % {"n": len(row.calendar)}
            )
    return redirect("alerts:settings")


@require_POST
@company_required(Role.ADMIN)
def detect_now(request: HttpRequest) -> HttpResponse:
    """Run the detectors over the company's records now."""
    found = alerts_detect(company=_company(request))
    messages.success(
        request, _("检测完成：%(n)d 条预警 · Detection done: %(n)d alerts") % {"n": len(found)}
    )
    return redirect("alerts:list")
