"""A small workflow with a workflow parameter, for tests of parameters and run overrides."""

from __future__ import annotations

from typing import Any

from apps.nodes.models import Node
from tests.graphs.workflows import bash, inp, link, out, param, workflow


def greeting_workflow(author: Any, title: str = "greetings") -> tuple[Node, dict[str, Any], dict[str, Any]]:
    """``greet`` says the workflow parameter ``greeting`` (and logs it); ``shout`` upper-cases what it said.

    The workflow also has an int parameter ``times`` that no node refers to.
    """
    greet = bash(
        "greet",
        "echo said {{ params.tag }}\necho {{ params.tag }} > {{ outputs.out }}",
        outputs=[out("out")],
        params=[{**param("tag", "str", "unused"), "reference": "greeting"}],
    )
    shout = bash(
        "shout",
        "tr a-z A-Z < {{ inputs.in }} > {{ outputs.out }}",
        inputs=[inp("in", link(greet, "out"))],
        outputs=[out("out")],
    )
    flow = workflow(author, greet, shout, title=title)
    flow.parameters = [param("greeting", "str", "hello"), param("times", "int", 1)]
    flow.save()
    return flow, greet, shout
