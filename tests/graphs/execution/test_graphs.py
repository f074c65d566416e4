"""Directories, composites, parallelism, failures and the script environment, on real workers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from apps.graphs import engine
from apps.graphs.choices import GraphRunningStatus, NodeRunningStatus
from apps.graphs.models import NodeRun, Run
from apps.graphs.services import run_create
from apps.resources.models import Resource
from apps.resources.storage import blob_open
from tests.factories import UserFactory
from tests.graphs.workflows import bash, inp, link, node_run, out, param, python, wait_for_run, workflow

pytestmark = pytest.mark.usefixtures("celery_worker")

GIT_CHECKOUT = """set -e

# clone repo
export DIRECTORY=directory
git clone {{ params['repo'] }} $DIRECTORY
cd $DIRECTORY

# reset to custom commit hash
git reset --hard {{ params['commit'] }}

# build using custom build command
cp -r . {{ outputs.dir }}
"""


def content(resource_id: str) -> str:
    with blob_open(Resource.objects.get(pk=resource_id).storage_key) as handle:
        return handle.read().decode()


def git_repository(path: Path) -> str:
    """A repository with two commits; returns the first commit's hash."""
    path.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(path)]
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    (path / "train.py").write_text("print('v1')\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    first = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    (path / "train.py").write_text("print('v2')\n")
    (path / "later.txt").write_text("later\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "second"], check=True)
    return first


def test_git_checkout_directory_consumed_by_a_later_node(tmp_path: Path) -> None:
    first = git_repository(tmp_path / "repo")
    checkout = bash(
        "Git - checkout directory",
        GIT_CHECKOUT,
        outputs=[out("dir", "directory")],
        params=[param("repo", "str", str(tmp_path / "repo")), param("commit", "str", first)],
    )
    listing = bash(
        "list",
        "cd {{ inputs.repo | quote }} && ls -a | sort > {{ outputs.files }} && cat train.py >> {{ outputs.files }}",
        inputs=[inp("repo", link(checkout, "dir"), types=("directory",))],
        outputs=[out("files")],
    )
    author = UserFactory()
    run = wait_for_run(run_create(workflow=workflow(author, checkout, listing), author=author))
    assert run.status == GraphRunningStatus.SUCCESS
    assert content(node_run(run, listing).outputs["files"]) == ".\n..\n.git\ntrain.py\nprint('v1')\n"
    assert Resource.objects.get(pk=node_run(run, checkout).outputs["dir"]).file_type == "directory"


def test_composite_operation_inside_a_workflow() -> None:
    source = bash("numbers", "seq 1 10 > {{ outputs.out }}", outputs=[out("out")])
    inner_input = {
        "_id": engine.COMPOSITE_INPUT_ID,
        "kind": "input",
        "title": "Input",
        "outputs": [out("numbers")],
    }
    double = bash(
        "double",
        "while read n; do echo $((n * 2)); done < {{ inputs.in }} > {{ outputs.out }}",
        inputs=[inp("in", link(inner_input, "numbers"))],
        outputs=[out("out")],
    )
    total = python(
        "sum",
        "open(outputs['out'], 'w').write(str(sum(int(x) for x in open(inputs['in']))))",
        inputs=[inp("in", link(double, "out"))],
        outputs=[out("out", "int")],
    )
    inner_output = {
        "_id": engine.COMPOSITE_OUTPUT_ID,
        "kind": "output",
        "title": "Output",
        "inputs": [inp("total", link(total, "out"), types=("int",))],
    }
    composite = {
        "_id": "c" * 24,
        "kind": "composite",
        "title": "double and sum",
        "inputs": [inp("numbers", link(source, "out"))],
        "outputs": [out("total", "int")],
        "nodes": [inner_input, double, total, inner_output],
    }
    report = bash(
        "report",
        "echo total={{ inputs.total }} > {{ outputs.out }}",
        inputs=[inp("total", link(composite, "total"), types=("int",))],
        outputs=[out("out")],
    )
    author = UserFactory()
    run = wait_for_run(run_create(workflow=workflow(author, source, composite, report), author=author))
    assert run.status == GraphRunningStatus.SUCCESS
    assert content(node_run(run, report).outputs["out"]) == "total=110\n"
    child = Run.objects.get(parent_node_run=node_run(run, composite))
    assert child.status == GraphRunningStatus.SUCCESS
    assert dict(child.node_runs.values_list("title", "status")) == {
        "Input": "STATIC",
        "double": "SUCCESS",
        "sum": "SUCCESS",
        "Output": "SUCCESS",
    }


def test_a_node_starts_as_soon_as_its_own_parents_finish() -> None:
    """A chain of quick nodes runs beside one slow node; the chain does not wait for it."""
    slow = bash("slow", "sleep 3; echo slow > {{ outputs.out }}", outputs=[out("out")])
    chain = [bash("c0", "echo 0 > {{ outputs.out }}", outputs=[out("out")])]
    for index in range(1, 4):
        chain.append(
            bash(
                f"c{index}",
                "cat {{ inputs.in }} > {{ outputs.out }}; echo " + str(index) + " >> {{ outputs.out }}",
                inputs=[inp("in", link(chain[-1], "out"))],
                outputs=[out("out")],
            )
        )
    join = bash(
        "join",
        "cat {{ inputs.a }} {{ inputs.b }} > {{ outputs.out }}",
        inputs=[inp("a", link(slow, "out")), inp("b", link(chain[-1], "out"))],
        outputs=[out("out")],
    )
    author = UserFactory()
    run = wait_for_run(run_create(workflow=workflow(author, slow, *chain, join), author=author))
    assert run.status == GraphRunningStatus.SUCCESS
    rows = {row.title: row for row in run.node_runs.all()}
    for index in range(1, 4):
        assert rows[f"c{index}"].started_at >= rows[f"c{index - 1}"].finished_at
    # The whole chain finished while the slow node was still running.
    assert rows["c3"].finished_at < rows["slow"].finished_at
    assert rows["join"].started_at >= rows["slow"].finished_at
    assert content(rows["join"].outputs["out"]) == "slow\n0\n1\n2\n3\n"


def test_a_failure_stops_its_descendants_while_other_branches_finish() -> None:
    broken = bash("broken", "echo oops >&2; exit 3", outputs=[out("out")])
    after = bash(
        "after",
        "cat {{ inputs.in }} > {{ outputs.out }}",
        inputs=[inp("in", link(broken, "out"))],
        outputs=[out("out")],
    )
    other = bash("other", "sleep 1; echo fine > {{ outputs.out }}", outputs=[out("out")])
    author = UserFactory()
    run = wait_for_run(run_create(workflow=workflow(author, broken, after, other), author=author))
    assert run.status == GraphRunningStatus.FAILED
    rows = {row.title: row for row in run.node_runs.all()}
    assert rows["broken"].status == NodeRunningStatus.FAILED
    assert rows["broken"].error == "exit code 3"
    assert content(rows["broken"].logs["stderr"]) == "oops\n"
    assert "JOB FAILED" in content(rows["broken"].logs["worker"])
    assert rows["after"].status == NodeRunningStatus.CREATED
    assert rows["after"].started_at is None
    assert rows["other"].status == NodeRunningStatus.SUCCESS


def test_timeout_fails_the_node_and_its_descendants_never_start() -> None:
    sleeper = bash("sleeper", "sleep 60", outputs=[out("out")], timeout=2)
    after = bash("after", "cat {{ inputs.in }}", inputs=[inp("in", link(sleeper, "out"))])
    author = UserFactory()
    run = wait_for_run(run_create(workflow=workflow(author, sleeper, after), author=author), timeout=30)
    assert run.status == GraphRunningStatus.FAILED
    row = node_run(run, sleeper)
    assert row.error == "timed out after 2 s"
    assert (row.finished_at - row.started_at).total_seconds() < 5
    assert "timed out after 2 s" in content(row.logs["worker"])
    assert node_run(run, after).started_at is None
    assert subprocess.run(["pgrep", "-f", "sleep 60"], capture_output=True).returncode == 1


def test_user_scripts_cannot_read_the_workers_secrets() -> None:
    env = bash("env", "env | sort > {{ outputs.out }}", outputs=[out("out")])
    author = UserFactory()
    run = wait_for_run(run_create(workflow=workflow(author, env), author=author))
    assert run.status == GraphRunningStatus.SUCCESS
    names = {line.split("=", 1)[0] for line in content(node_run(run, env).outputs["out"]).splitlines()}
    assert names.isdisjoint(
        {"DATABASE_URL", "REDIS_URL", "PLYNX_STORAGE_URL", "DJANGO_SETTINGS_MODULE", "AWS_SECRET_ACCESS_KEY"}
    )
    assert not any(name.startswith(("PLYNX_", "AWS_", "CELERY")) for name in names)
    assert "PATH" in names


def test_live_logs_are_readable_while_the_node_runs() -> None:
    from apps.resources.storage import live_log_key, live_open

    talker = bash("talker", "echo first-line; sleep 3; echo second-line", outputs=[])
    author = UserFactory()
    run = run_create(workflow=workflow(author, talker), author=author)
    row = node_run(run, talker)
    from tests.live import wait_until

    wait_until(lambda: NodeRun.objects.get(pk=row.pk).status == NodeRunningStatus.RUNNING, timeout=20, what="running")
    row.refresh_from_db()
    started = row.started_at

    def live_text() -> str:
        try:
            with live_open(live_log_key(run.pk, row.node_id, row.attempt, "stdout")) as handle:
                return handle.read().decode()
        except FileNotFoundError:
            return ""

    wait_until(lambda: "first-line" in live_text(), timeout=2.5, what="the live stdout")
    assert "second-line" not in live_text()
    run = wait_for_run(run)
    assert content(node_run(run, talker).logs["stdout"]) == "first-line\nsecond-line\n"
    assert started is not None
    # Once the node has ended, its logs are resources and the live copies are gone.
    assert live_text() == ""
