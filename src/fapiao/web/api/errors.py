"""Errors of the API as JSON: ``{"code", "message", "message_en"}`` with an HTTP status.

Typed refusals of the services (workflow, intake, tokens) map to 403 (not allowed for this user),
404 (not in this company) or 409/422 (not allowed in this state / bad input).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError

from fapiao.web.invoices.workflow_errors import (
    NotPermittedError,
    SelfApprovalError,
    WorkflowError,
)


class ApiError(HttpError):
    """An API refusal with a stable code and a Chinese and an English message."""

    def __init__(self, status: int, code: str, message: str, message_en: str) -> None:
        super().__init__(status, f"{message} / {message_en}")
        self.code, self.message, self.message_en = code, message, message_en


def _body(code: str, message: str, message_en: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "message_en": message_en, **extra}


def install_handlers(api: NinjaAPI) -> None:
    """Register the JSON error handlers on the one NinjaAPI."""

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return api.create_response(
            request, _body(exc.code, exc.message, exc.message_en), status=exc.status_code
        )

    def missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return api.create_response(
            request,
            _body("api.not_found", "未找到，或不属于当前公司", "Not found in this company"),
            status=404,
        )

    def workflow(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
        status = 403 if isinstance(exc, NotPermittedError | SelfApprovalError) else 409
        return api.create_response(
            request, _body(exc.code, exc.message, exc.message_en), status=status
        )

    def refused(request: HttpRequest, exc: Exception) -> HttpResponse:
        code = str(getattr(exc, "code", "api.refused"))
        message = str(getattr(exc, "message", exc))
        message_en = str(getattr(exc, "message_en", exc))
        return api.create_response(request, _body(code, message, message_en), status=422)

    def too_many_files(request: HttpRequest, exc: TooManyFilesSent) -> HttpResponse:
        from fapiao.web.intake.limits import too_many_files

        refusal = too_many_files()
        return api.create_response(
            request, _body(refusal.code, refusal.message, refusal.message_en), status=413
        )

    api.add_exception_handler(ApiError, api_error)  # type: ignore[arg-type]
    api.add_exception_handler(TooManyFilesSent, too_many_files)  # type: ignore[arg-type]
    api.add_exception_handler(ObjectDoesNotExist, missing)  # type: ignore[arg-type]
    api.add_exception_handler(WorkflowError, workflow)  # type: ignore[arg-type]
    for refusal in _service_refusals():
        api.add_exception_handler(refusal, refused)  # type: ignore[arg-type]


def _service_refusals() -> list[type[Exception]]:
    """Typed refusals of other apps' services, answered as 422 with their messages."""
    from fapiao.core.errors import FapiaoError
    from fapiao.web.api.services import TokenRefusedError
    from fapiao.web.intake.services import IntakeError

    return [TokenRefusedError, IntakeError, FapiaoError]
