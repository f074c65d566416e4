"""Object ids."""

from __future__ import annotations

import os

from plynx_site.ids import is_object_id, new_object_id


def test_ids_are_24_hex_and_unique() -> None:
    ids = [new_object_id() for _ in range(10_000)]
    assert all(is_object_id(i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_forked_children_do_not_repeat_the_parents_ids() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, " ".join(new_object_id() for _ in range(100)).encode())
        os._exit(0)
    os.close(write)
    parent_ids = {new_object_id() for _ in range(100)}
    with os.fdopen(read) as pipe:
        child_ids = set(pipe.read().split())
    os.waitpid(pid, 0)
    assert len(child_ids) == 100
    assert parent_ids.isdisjoint(child_ids)
    assert all(i[8:18] != next(iter(parent_ids))[8:18] for i in child_ids)
