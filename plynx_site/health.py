"""Liveness of the parts the platform needs: the database and the Celery broker."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

# A health probe must answer quickly even when Redis hangs.
_BROKER_TIMEOUT_SECONDS = 2


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError:
        return False


def _broker_ok() -> bool:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_timeout=_BROKER_TIMEOUT_SECONDS,
        socket_connect_timeout=_BROKER_TIMEOUT_SECONDS,
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 with each part's state when all are up, 503 otherwise."""
    parts = {"database": _database_ok(), "broker": _broker_ok()}
    body = {name: "ok" if up else "unavailable" for name, up in parts.items()}
    body["status"] = "ok" if all(parts.values()) else "unavailable"
    return JsonResponse(body, status=200 if all(parts.values()) else 503)
