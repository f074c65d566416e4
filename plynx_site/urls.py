"""URL configuration."""

from django.contrib import admin
from django.urls import path

from plynx_site.health import health

admin.site.site_header = "PLynx administration"
admin.site.site_title = "PLynx"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health", health, name="health"),
]
