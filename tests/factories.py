"""factory_boy factories for the models."""

from __future__ import annotations

import hashlib

import factory
from django.utils import timezone

from apps.graphs.models import NodeCache, NodeRun, Run
from apps.nodes.models import Node, WorkerState
from apps.resources.models import Resource
from apps.resources.storage import blob_key
from apps.users.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")


class NodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Node

    kind = "python"
    title = factory.Sequence(lambda n: f"Operation {n}")
    author = factory.SubFactory(UserFactory)


class RunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Run

    kind = "workflow"
    title = factory.Sequence(lambda n: f"Run {n}")
    author = factory.SubFactory(UserFactory)


def _hex_digest(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


class NodeRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NodeRun

    run = factory.SubFactory(RunFactory)
    node_id = factory.Sequence(lambda n: f"{n:024x}")
    kind = "python"


class NodeCacheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NodeCache

    key = factory.Sequence(_hex_digest)
    node_id = factory.Sequence(lambda n: f"{n:024x}")


def _storage_key(sha256: str) -> str:
    try:
        return blob_key(sha256)
    except ValueError:
        return f"malformed/{sha256}"


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    sha256 = factory.Sequence(_hex_digest)
    size = 10
    file_type = "csv"
    # A malformed digest (a constraint test) gets a plain key, so the database sees the digest.
    storage_key = factory.LazyAttribute(lambda r: _storage_key(r.sha256))
    original_name = "data.csv"
    author = factory.SubFactory(UserFactory)


class WorkerStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerState

    worker_id = factory.Sequence(lambda n: f"celery@host{n}")
    host = "host"
    started_at = factory.LazyFunction(timezone.now)
    last_heartbeat = factory.LazyAttribute(lambda w: w.started_at)
