"""The PLynx Django project: settings, URLs and the Celery application."""

from plynx_site.celery import app as celery_app

__all__ = ["celery_app"]
