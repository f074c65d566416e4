"""URL configuration: the admin, health, the v1 and v0 API faces, the schema and its docs, the app.

Each app registers its viewsets on the router of its ``api/urls.py``; they are gathered here into
one router, so ``/api/v1/`` lists every collection in the browsable API.
"""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from apps.graphs.api import urls as graphs_urls
from apps.nodes.api import urls as nodes_urls
from apps.resources.api import urls as resources_urls
from apps.users.api import urls as users_urls
from plynx_site.frontend import frontend_index
from plynx_site.health import health

admin.site.site_header = "PLynx administration"
admin.site.site_title = "PLynx"

_APPS = (users_urls, nodes_urls, graphs_urls, resources_urls)

router = DefaultRouter()
for _app in _APPS:
    router.registry.extend(_app.router.registry)

api_v1 = [path("", include(router.urls))] + [pattern for app in _APPS for pattern in app.urlpatterns]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health", health, name="health"),
    path("api/v1/", include((api_v1, "v1"))),
    # The browsable API's log-in link (the log-in page of DRF, over the session).
    path("api/auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("plynx/api/v0/", include(("plynx_site.api_v0.urls", "v0"))),
    # Any other path is a page of the React app. The server's own prefixes, and the app's built
    # files under assets/ (served by WhiteNoise), answer 404 when unknown rather than the page.
    re_path(r"^(?!(?:api|plynx|admin|static|assets)(?:/|$)|health$)", frontend_index, name="frontend"),
]
