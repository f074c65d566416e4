"""WSGI entry point (gunicorn ``plynx_site.wsgi``)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plynx_site.settings")

application = get_wsgi_application()

# Everything a request needs is imported now, then set aside from the garbage collector: its full
# collections, which a large workflow's documents trigger again and again while they are built,
# no longer walk the hundreds of thousands of objects of the loaded code (a 1,000-node save took
# twice as long). Frozen before gunicorn forks its workers, those pages also stay shared.
import plynx_site.urls  # noqa: E402, F401

gc.freeze()
