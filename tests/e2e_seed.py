"""What the browser suite finds on a fresh platform: users, approved operations, workflows.

Everything but the users is created through the v1 API, as a person would (HTTP basic
authentication). ``seed`` returns what the specs need to know (names, passwords, ids); the stack
launcher (``tests/e2e_stack.py``) writes it to the JSON file ``E2E_SEED`` names.

- ``alice`` is the user the suite logs in as; ``bob`` is her colleague, who wrote the operations
  and owns "Bob's experiment", read-only for alice.
- Operations (bash_jinja2, typed ports): "Write greeting" (str and int parameters, a file out),
  "Shout" (a file in, a file out), "Make table" (a CSV out), "Concatenate" (any number of files
  in, one out) and "Sleep" (for cancelling).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

USERS = {"alice": "alice-e2e-password", "bob": "bob-e2e-password"}


def _param(name: str, parameter_type: str, value: Any) -> dict[str, Any]:
    return {"name": name, "parameter_type": parameter_type, "value": value}


def _operation(
    title: str,
    description: str,
    script: str,
    *,
    inputs: list[dict[str, Any]] | None = None,
    outputs: list[dict[str, Any]] | None = None,
    params: list[dict[str, Any]] | None = None,
    cacheable: bool = True,
) -> dict[str, Any]:
    return {
        "kind": "bash_jinja2",
        "title": title,
        "description": description,
        "inputs": inputs or [],
        "outputs": outputs or [],
        "parameters": [
            _param("cmd", "code", {"value": script, "mode": "sh"}),
            _param("cacheable", "bool", cacheable),
            _param("_timeout", "int", 600),
            *(params or []),
        ],
    }


OPERATIONS = {
    "greeting": _operation(
        "Write greeting",
        "Writes a greeting a number of times",
        'echo "writing {{ params.count }} greetings"\n'
        "for i in $(seq 1 {{ params.count }}); do echo {{ params.greeting | quote }} $i; done"
        " > {{ outputs.greeting }}\n",
        outputs=[{"name": "greeting", "file_type": "file"}],
        params=[_param("greeting", "str", "hello world"), _param("count", "int", 3)],
    ),
    "shout": _operation(
        "Shout",
        "Upper-cases a text file",
        'tr a-z A-Z < {{ inputs.text }} > {{ outputs.loud }}\necho "shouted $(wc -l < {{ outputs.loud }}) lines"\n',
        inputs=[{"name": "text", "file_types": ["file"], "values": [], "min_count": 1, "max_count": 1}],
        outputs=[{"name": "loud", "file_type": "file"}],
    ),
    "table": _operation(
        "Make table",
        "Writes a small CSV table",
        "printf 'name,score\\nada,3\\ngrace,5\\n' > {{ outputs.table }}\n",
        outputs=[{"name": "table", "file_type": "csv"}],
    ),
    "concat": _operation(
        "Concatenate",
        "Joins any number of text files, in order",
        "cat {{ inputs.parts | quote }} > {{ outputs.all }}\n",
        inputs=[{"name": "parts", "file_types": ["file"], "values": [], "min_count": 1, "max_count": -1}],
        outputs=[{"name": "all", "file_type": "file"}],
    ),
    "sleep": _operation(
        "Sleep",
        "Waits, printing every second (for cancelling)",
        'for i in $(seq 1 {{ params.seconds }}); do echo "tick $i"; sleep 1; done\necho done > {{ outputs.out }}\n',
        outputs=[{"name": "out", "file_type": "file"}],
        params=[_param("seconds", "int", 120)],
        cacheable=False,
    ),
}


class Api:
    """A tiny v1 API client acting as one user through HTTP basic authentication."""

    def __init__(self, base_url: str, username: str) -> None:
        self.base_url = base_url
        token = base64.b64encode(f"{username}:{USERS[username]}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        url = f"{self.base_url}/api/v1/{path}"
        request = urllib.request.Request(url, data=data, headers=self.headers, method=method)  # noqa: S310 - http://
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http:// of our server
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise SystemExit(
                f"seeding: {method} {path} answered {error.code}: {error.read().decode()[:2000]}"
            ) from None


def workflow_node(operation: dict[str, Any], node_id: str, x: int, y: int, **parameters: Any) -> dict[str, Any]:
    """A node of a workflow made from an operation as the API returned it (as the editor's addNode does)."""
    return {
        "_id": node_id,
        "title": operation["title"],
        "description": operation["description"],
        "kind": operation["kind"],
        "original_node_id": operation["id"],
        "inputs": [{**port, "values": []} for port in operation["inputs"]],
        "outputs": [{**port, "resource_id": None} for port in operation["outputs"]],
        "parameters": [
            {**param, "value": parameters[param["name"]]} if param["name"] in parameters else param
            for param in operation["parameters"]
        ],
        "logs": [{**log, "resource_id": None} for log in operation["logs"]],
        "x": x,
        "y": y,
    }


def _link(node: dict[str, Any], input_name: str, source: dict[str, Any], output_name: str) -> None:
    port = next(port for port in node["inputs"] if port["name"] == input_name)
    port["values"].append({"node_id": source["_id"], "output_id": output_name})


def create_users(env: dict[str, str]) -> None:
    """Create the users with ``manage.py users`` (both at once: each start of Django takes seconds)."""
    commands = {
        username: subprocess.Popen(
            [sys.executable, "manage.py", "users", "create_user", "--username", username, "--password", password],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for username, password in USERS.items()
    }
    for username, command in commands.items():
        output, _ = command.communicate(timeout=120)
        if command.returncode != 0:
            raise SystemExit(f"seeding: creating user {username} failed:\n{output}")


def seed(*, base_url: str, env: dict[str, str]) -> dict[str, Any]:
    create_users(env)
    bob, alice = Api(base_url, "bob"), Api(base_url, "alice")
    operations = {}
    for key, document in OPERATIONS.items():
        created = bob.call("POST", "operations/", document)
        operations[key] = bob.call("POST", f"operations/{created['id']}/approve/")

    # Bob's experiment: a greeting shouted; alice may view it, not change it.
    greet = workflow_node(operations["greeting"], "5e2e00000000000000000001", 0, 0)
    shout = workflow_node(operations["shout"], "5e2e00000000000000000002", 320, 0)
    _link(shout, "text", greet, "greeting")
    shared = bob.call(
        "POST",
        "workflows/",
        {"title": "Bob's experiment", "description": "A greeting, shouted", "nodes": [greet, shout]},
    )
    # Alice's long job: one node that sleeps long enough to be cancelled.
    sleeper = workflow_node(operations["sleep"], "5e2e00000000000000000003", 0, 0)
    long_job = alice.call(
        "POST", "workflows/", {"title": "Long job", "description": "Sleeps for two minutes", "nodes": [sleeper]}
    )
    return {
        "users": {name: {"username": name, "password": password} for name, password in USERS.items()},
        "operations": {key: {"id": op["id"], "title": op["title"]} for key, op in operations.items()},
        "workflows": {
            "shared": {"id": shared["id"], "title": shared["title"], "owner": "bob"},
            "longJob": {"id": long_job["id"], "title": long_job["title"], "owner": "alice"},
        },
    }
