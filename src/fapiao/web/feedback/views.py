"""Feedback pages: the form (every page links to it) and the admins' list with status."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fapiao.core.crypto.errors import DecryptError
from fapiao.web.companies.models import Company, Role
from fapiao.web.feedback import screenshots, selectors, services
from fapiao.web.feedback.forms import FeedbackForm, StatusForm
from fapiao.web.feedback.models import Status
from fapiao.web.shell.permissions import login_required_view, require_role

logger = logging.getLogger(__name__)


def _scope(request: HttpRequest) -> Company | None:
    """Whose feedback the user may manage: the current company (admins), or system-wide (staff)."""
    if request.GET.get("scope") == "system" or request.POST.get("scope") == "system":
        if not request.user.is_staff:
            raise PermissionDenied
        return None
    require_role(request, Role.ADMIN)
    company: Company = request.company  # type: ignore[attr-defined]
    return company


@login_required_view
def submit(request: HttpRequest) -> HttpResponse:
    """意见反馈 (feedback) about the page the user came from."""
    page = request.GET.get("page", "")
    form = FeedbackForm(request.POST or None, request.FILES or None, initial={"page": page})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_submit(
                company=getattr(request, "company", None),
                author=request.user,  # type: ignore[arg-type]
                category=data["category"],
                text=data["text"],
                page=data["page"],
                screenshot=data["screenshot"],
            )
        except screenshots.ScreenshotError as exc:
            form.add_error("screenshot", f"{exc.message} · {exc.message_en}")
            return render(request, "feedback/submit.html", {"form": form})
        messages.success(request, _("感谢您的反馈 · Thank you for your feedback"))
        back = data["page"]
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(back)
        return redirect("shell:home")
    return render(request, "feedback/submit.html", {"form": form})


@login_required_view
def feedback_list(request: HttpRequest) -> HttpResponse:
    """反馈列表 (feedback list) of the current company, or system-wide for staff."""
    company = _scope(request)
    status = request.GET.get("status") or None
    if status is not None and status not in Status.values:
        status = None
    rows = selectors.feedback_list(company=company, status=status)[:200]
    return render(
        request,
        "feedback/list.html",
        {
            "rows": rows,
            "statuses": Status.choices,
            "status": status,
            "scope": "system" if company is None else "",
        },
    )


@require_POST
@login_required_view
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    """更改处理状态 (change status)."""
    company = _scope(request)
    feedback = selectors.feedback_get(company=company, pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_status_change(
                feedback=feedback,
                status=form.cleaned_data["status"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except services.TransitionError:
            messages.error(request, _("不允许的状态变更 · This status change is not allowed"))
        else:
            messages.success(request, _("状态已更改 · Status changed"))
    url = reverse("feedback:list") + ("?scope=system" if company is None else "")
    return HttpResponseRedirect(url)


@login_required_view
def screenshot(request: HttpRequest, pk: int) -> HttpResponse:
    """The screenshot of one feedback (same scope rules as the list), a PNG served inline."""
    feedback = selectors.feedback_get(company=_scope(request), pk=pk)
    if not feedback.screenshot:
        raise Http404
    try:
        with feedback.screenshot.open("rb") as handle:
            png = screenshots.readable_png(
                handle.read(), company_id=feedback.company_id, feedback_id=feedback.pk
            )
    except (DecryptError, screenshots.ScreenshotError, OSError):
        logger.warning("feedback %s: the screenshot cannot be opened", feedback.pk)
        raise Http404 from None
    response = HttpResponse(png, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
