"""The one NinjaAPI of the project, mounted at ``/api/`` (OpenAPI at ``/api/openapi.json``).

Every endpoint needs a bearer token (``Authorization: Bearer fp_…``) made on the token page
(``/api/tokens/``); the token's company is the only company the request can see.
"""

from __future__ import annotations

import importlib
import importlib.util

from ninja import NinjaAPI

from fapiao.web.api.auth import TokenAuth
from fapiao.web.api.docs import LocalSwagger
from fapiao.web.api.errors import install_handlers
from fapiao.web.api.parser import NulRefusingParser

ROUTERS: tuple[str, ...] = ("invoices", "claims", "reconciliation", "reports")
"""Router modules under ``fapiao.web.api.routers``; one whose app is missing is left out."""

api = NinjaAPI(
    title="fapiao API · 发票接口",
    version="1",
    description=(
        "发票、报销、对账与报表接口。在“接口令牌”页面创建令牌，以 `Authorization: Bearer <令牌>` "
        "调用；令牌只属于一位用户和一家公司。 · Invoices, claims, reconciliation and reports. "
        "Create a token on the API token page and send it as `Authorization: Bearer <token>`; "
        "a token belongs to one user and one company."
    ),
    urls_namespace="api",
    docs=LocalSwagger(),
    auth=TokenAuth(),
    parser=NulRefusingParser(),
)
install_handlers(api)

for _name in ROUTERS:
    _module = f"fapiao.web.api.routers.{_name}"
    if importlib.util.find_spec(_module) is not None:
        api.add_router("", importlib.import_module(_module).router)
