"""``manage.py load_operations plynx.demo``: store operations defined in Python as approved operations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.nodes.hubs import code_operations_store
from apps.users.models import User
from apps.users.services import user_ensure_default


class Command(BaseCommand):
    help = (
        "Store the operations a Python module defines with plynx.node (its COLLECTION, or a dotted path to a "
        "list of groups) as approved operations, so they are found in the database hub and by id. Running it "
        "again stores only what changed; older versions of changed functions are deprecated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("targets", nargs="+", metavar="MODULE", help="For example plynx.demo.")
        parser.add_argument(
            "--author",
            default=settings.PLYNX_DEFAULT_USERNAME,
            help="The user who owns the stored operations (default: %(default)s).",
        )

    def handle(self, *args: Any, targets: list[str], author: str, **options: Any) -> None:
        user = User.objects.filter(username=author).first()
        if user is None and author == settings.PLYNX_DEFAULT_USERNAME and not settings.PLYNX_MULTI_USER:
            user = user_ensure_default()
        if user is None:
            raise CommandError(f"--author: no user {author!r}")
        for target in targets:
            try:
                stored = code_operations_store(target=target, author=user)
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from None
            total = len(stored.created) + len(stored.unchanged) + len(stored.restored)
            self.stdout.write(
                f"{target}: {total} operations by {user.username}: {len(stored.created)} new, "
                f"{len(stored.unchanged)} unchanged, {len(stored.restored)} approved again, "
                f"{len(stored.deprecated)} older versions deprecated"
            )
