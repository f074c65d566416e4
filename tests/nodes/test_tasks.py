"""The node task's worker-side plumbing: database connections are kept from node to node."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from apps.nodes.tasks import _database_hygiene, execute_node
from plynx_site.celery import app


@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_database_connection_from_task_to_task() -> None:
    # What a prefork worker runs around every task: Celery's Django fix-up, then our handler.
    fixup = DjangoWorkerFixup(app)
    sender = SimpleNamespace(request=SimpleNamespace(is_eager=False))
    connection.ensure_connection()
    opened = connection.connection
    for _ in range(3):
        fixup.on_task_prerun(sender=execute_node)
        _database_hygiene(sender=sender)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        fixup.on_task_postrun(sender=execute_node)
    assert connection.connection is opened


@pytest.mark.django_db(transaction=True)
def test_a_broken_connection_is_replaced_before_the_next_task() -> None:
    connection.ensure_connection()
    broken = connection.connection
    # The server went away: the next use fails, which Django records.
    broken.close()
    connection.errors_occurred = True
    _database_hygiene(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.connection is not broken
