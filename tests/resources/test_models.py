"""Resources: defaults and constraints."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.resources.models import Resource
from plynx_site.ids import is_object_id
from tests.db import assert_violates
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

DIGEST = "a" * 64


def test_defaults() -> None:
    resource = Resource.objects.create(sha256=DIGEST, size=0, storage_key=f"sha256/aa/{DIGEST}")
    resource.refresh_from_db()
    assert is_object_id(resource.id)
    assert (resource.file_type, resource.original_name, resource.author) == ("file", "", None)


def test_the_same_bytes_may_back_several_resources() -> None:
    first = ResourceFactory(sha256=DIGEST, original_name="a.csv")
    second = ResourceFactory(sha256=DIGEST, original_name="b.csv")
    assert Resource.objects.filter(sha256=DIGEST).count() == 2
    assert first.storage_key == second.storage_key


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"sha256": "abc"}, "resources_sha256_length"),
        ({"storage_key": ""}, "resources_storage_key_not_empty"),
        ({"file_type": ""}, "resources_file_type_not_empty"),
        ({"size": -1}, "size"),
        ({"original_name": "../etc/passwd"}, "resources_original_name_not_a_path"),
        ({"original_name": "..\\boot.ini"}, "resources_original_name_not_a_path"),
        ({"original_name": ".."}, "resources_original_name_not_a_path"),
    ],
    ids=["short-digest", "no-key", "no-type", "negative-size", "slash", "backslash", "dotdot"],
)
def test_constraints(fields: dict[str, object], constraint: str) -> None:
    assert_violates(constraint, lambda: ResourceFactory(**fields), Resource)


@pytest.mark.parametrize("name", ["a/b.csv", "a\\b.csv", ".", "..", "nul\x00.csv"])
def test_original_name_validator(name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ResourceFactory.build(original_name=name, author=None).full_clean()
    assert "original_name" in raised.value.message_dict


def test_digest_validator() -> None:
    with pytest.raises(ValidationError) as raised:
        ResourceFactory.build(sha256="G" * 64, author=None).full_clean()
    assert "sha256" in raised.value.message_dict
