"""The API's documentation page (Swagger UI) from local files: nothing loads from a CDN.

django-ninja ships Swagger UI in its package (``ninja/static/ninja``) but only renders the local
page when "ninja" is an installed app; instead of installing it, our own docs class renders
``api/docs.html`` and :func:`fapiao.web.api.views.docs_asset` serves the three files it needs
from ninja's package folder.  The Swagger validator badge (an external image) is switched off.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS: dict[str, str] = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-init.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}


class LocalSwagger(DocsBase):
    """Swagger UI rendered from the project's template and ninja's bundled assets."""

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.settings: dict[str, Any] = {
            "layout": "BaseLayout",
            "deepLinking": True,
            "validatorUrl": None,
            **(settings or {}),
        }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """The docs page, pointing Swagger UI at ``/api/openapi.json``."""
        swagger = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": swagger})
