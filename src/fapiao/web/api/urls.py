"""URLs under ``/api/``: the token page, the docs' local assets, then the NinjaAPI itself.

No ``app_name`` here: the NinjaAPI brings its own namespace ("api"), which its docs page reverses.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from fapiao.web.api import views
from fapiao.web.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("tokens/", views.token_list, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("docs/assets/<str:name>", views.docs_asset, name="api_docs_asset"),
    path("", api.urls),
]
