"""Request parsing of the API that refuses NUL characters (U+0000) in queries and bodies.

PostgreSQL text cannot hold NUL, so a NUL that reached a filter or a saved field became a 500;
it is now a 422 validation error, like any other malformed input.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _refuse(where: str) -> ValidationError:
    return ValidationError(
        [{"loc": [where], "msg": "不能包含 NUL 字符 · must not contain NUL", "type": "value_error"}]
    )


class NulRefusingParser(Parser):
    """The default JSON parser, refusing NUL anywhere in the body or the query."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if _has_nul(data):
            raise _refuse("body")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> Any:
        result = super().parse_querydict(data, list_fields, request)
        if _has_nul(result):
            raise _refuse("query")
        return result
