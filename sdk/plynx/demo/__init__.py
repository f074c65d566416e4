"""Built-in operations defined in Python: the seed's demo groups (hello world, basic functions, types).

``COLLECTION`` is what the ``demo`` hub of the default plugin configuration serves
(``apps.nodes.hubs.StaticListHub`` with ``args: {module: plynx.demo}``).
"""

from plynx.demo.basic_functions import GROUP as basic_group
from plynx.demo.hello_world import GROUP as hello_group
from plynx.demo.types import GROUP as types_group

COLLECTION = [hello_group, types_group, basic_group]

__all__ = ["COLLECTION", "basic_group", "hello_group", "types_group"]
