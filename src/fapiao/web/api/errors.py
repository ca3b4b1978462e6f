"""Errors of the API as JSON: ``{"code", "message", "message_en"}`` with an HTTP status.

Typed refusals of the services (workflow, intake, tokens) map to 403 (not allowed for this user),
404 (not in this company) or 409/422 (not allowed in this state / bad input).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

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

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = _body(
            "api.invalid",
            "请求参数不正确，详见 detail",
            "The request is not valid: see detail",
            detail=exc.errors,
        )
        return api.create_response(request, body, status=422)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # ninja could not parse the body (not JSON, NUL, surrogates)
            body = _body(
                "api.unparsable",
                "请求内容无法解析：须为 UTF-8 编码的 JSON，且不含 NUL 字符",
                "The request body cannot be parsed: UTF-8 JSON without NUL characters is expected",
            )
            return api.create_response(request, body, status=422)
        body = _body(f"api.http_{exc.status_code}", str(exc), str(exc))
        return api.create_response(request, body, status=exc.status_code)

    api.add_exception_handler(HttpError, http_error)  # type: ignore[arg-type]
    api.add_exception_handler(ApiError, api_error)  # type: ignore[arg-type]
    api.add_exception_handler(ValidationError, invalid)  # type: ignore[arg-type]
    api.add_exception_handler(TooManyFilesSent, too_many_files)  # type: ignore[arg-type]
    api.add_exception_handler(ObjectDoesNotExist, missing)  # type: ignore[arg-type]
    api.add_exception_handler(WorkflowError, workflow)  # type: ignore[arg-type]
    for refusal in _service_refusals():
        api.add_exception_handler(refusal, refused)  # type: ignore[arg-type]


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 404: JSON in the API's shape under ``/api/`` (a path no route matches, such
    as a negative id), the HTML page everywhere else."""
    if request.path.startswith("/api/"):
        body = _body("api.not_found", "未找到", "Not found")
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def _service_refusals() -> list[type[Exception]]:
    """Typed refusals of other apps' services, answered as 422 with their messages."""
    from fapiao.core.errors import FapiaoError
    from fapiao.web.api.services import TokenRefusedError
    from fapiao.web.intake.services import IntakeError

    return [TokenRefusedError, IntakeError, FapiaoError]
