"""WSGI entry point (gunicorn ``plynx_site.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plynx_site.settings")

application = get_wsgi_application()
