"""``python -m plynx``: the ``plynx`` command."""

from plynx.cli import run

run()
