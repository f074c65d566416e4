"""The Python API of PLynx: build workflows from operations in code, save, run and follow them.

from plynx import Client, Graph, Node

client = Client("http://127.0.0.1:8000")            # single-user mode: no credentials
Grep = Node(client, id="<operation id>")              # an operation, as a node class
grep = Grep(title="lines with 5", template="5", input=source.outputs.out)
graph = Graph(client, title="numbers", targets=[grep])
graph.run().wait()                                    # raises GraphFailed naming the failed nodes
print(graph.outputs(grep))
"""

from plynx.client import ApiError, Client
from plynx.graph import File, Graph, GraphFailed, Node, NodeInstance, Output

__all__ = ["ApiError", "Client", "File", "Graph", "GraphFailed", "Node", "NodeInstance", "Output"]
