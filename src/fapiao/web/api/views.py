"""Pages of the API app: the user's tokens in the current company, and the docs' local assets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fapiao.web.api.auth import client_ip
from fapiao.web.api.docs import ASSET_DIR, ASSETS
from fapiao.web.api.forms import TokenCreateForm
from fapiao.web.api.models import ApiToken
from fapiao.web.api.selectors import api_token_get, api_token_list
from fapiao.web.api.services import TokenRefusedError, api_token_create, api_token_revoke
from fapiao.web.shell.permissions import company_required


@company_required()
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """接口令牌: list the user's tokens here, create one (its secret is shown this once)."""
    company: Any = getattr(request, "company", None)
    form = TokenCreateForm(request.POST or None)
    created: tuple[ApiToken, str] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            created = api_token_create(
                user=request.user,  # type: ignore[arg-type]
                company=company,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                lifetime_days=form.cleaned_data["lifetime_days"],
                ip=client_ip(request),
            )
        except TokenRefusedError as exc:
            form.add_error(None, f"{exc.message} · {exc.message_en}")
        else:
            form = TokenCreateForm()
    context = {
        "form": form,
        "tokens": api_token_list(user=request.user, company=company),  # type: ignore[arg-type]
        "created_token": created[0] if created else None,
        "raw_token": created[1] if created else None,
        "now": timezone.now(),
    }
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@company_required()
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """吊销 a token of the user in the current company (another's id is 404)."""
    company: Any = getattr(request, "company", None)
    try:
        token = api_token_get(user=request.user, company=company, pk=pk)  # type: ignore[arg-type]
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    api_token_revoke(token=token, actor=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    messages.success(request, _("令牌已吊销 · Token revoked"))
    return HttpResponseRedirect(reverse("api_tokens"))


@require_GET
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One of the Swagger UI files bundled with django-ninja (a fixed list, nothing else)."""
    content_type = ASSETS.get(name)
    if content_type is None:
        raise Http404
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
