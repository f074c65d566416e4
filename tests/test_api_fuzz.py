"""The v1 API under generated requests (schemathesis, from its own OpenAPI schema): no 500s.

A bounded run: a few examples per operation, as the default user of single-user mode (who holds
every policy, so every operation is reached past its permission check), on a database with a
workflow and an operation in it so that generated ids sometimes point at something.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from plynx_site.wsgi import application
from tests.factories import NodeFactory

pytestmark = pytest.mark.django_db

# Examples per operation: enough to reach bad types, missing fields and odd ids, short enough for `make test`.
EXAMPLES = 8


def from_this_machine(environ: dict[str, Any], start_response: Any) -> Any:
    """The WSGI application as a request from loopback sees it (single-user mode serves no other)."""
    environ.setdefault("REMOTE_ADDR", "127.0.0.1")
    return application(environ, start_response)


@pytest.fixture
def api_schema(settings: Any) -> Iterator[Any]:
    settings.PLYNX_MULTI_USER = False
    # What Django's own test client does: the test's transaction outlives each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", from_this_machine)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_no_generated_request_makes_the_server_fail(api_schema: Any) -> None:
    NodeFactory(kind="python", title="an operation")
    NodeFactory(kind="workflow", title="a workflow")
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        try:
            check()
        except Exception as error:  # every failing operation is reported, not only the first
            failures[operation.label] = str(error)[:2000]
    assert failures == {}
