"""``manage.py users``: the seed's user CLI (create, list, activate, deactivate)."""

from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.users.selectors import user_list
from apps.users.services import UserError, user_create, user_set_active


class Command(BaseCommand):
    help = "Create, list, activate and deactivate users."

    def add_arguments(self, parser: CommandParser) -> None:
        modes = parser.add_subparsers(dest="mode", required=True, metavar="MODE")

        create = modes.add_parser("create_user", help="Create a user.")
        create.add_argument("--username", required=True)
        create.add_argument(
            "--password",
            help="The password; asked for on the terminal when omitted in multi-user mode.",
        )
        create.add_argument("--email", default="")
        create.add_argument("--admin", action="store_true", help="Give the user the IS_ADMIN policy.")

        modes.add_parser("list_users", help="List users.")
        for mode, verb in (("activate_user", "Activate"), ("deactivate_user", "Deactivate")):
            sub: ArgumentParser = modes.add_parser(mode, help=f"{verb} a user.")
            sub.add_argument("--username", required=True)

    def handle(self, *args: Any, mode: str, **options: Any) -> None:
        try:
            if mode == "create_user":
                self._create(options)
            elif mode == "list_users":
                self._list()
            else:
                user = user_set_active(username=options["username"], active=mode == "activate_user")
                self.stdout.write(f"User {user.username} is now {'active' if user.is_active else 'inactive'}.")
        except UserError as error:
            raise CommandError(f"{error.message} ({error.code})") from None

    def _create(self, options: dict[str, Any]) -> None:
        password = options["password"]
        if password is None:
            password = ""
            if settings.PLYNX_MULTI_USER and sys.stdin.isatty():
                password = getpass.getpass("Password: ")
                if password != getpass.getpass("Password (again): "):
                    raise CommandError("The passwords do not match.")
        user = user_create(
            username=options["username"],
            password=password,
            email=options["email"],
            admin=options["admin"],
        )
        self.stdout.write(f"Created user {user.username} (id {user.pk}{', admin' if user.is_admin else ''}).")

    def _list(self) -> None:
        rows = [("id", "username", "email", "active", "admin", "policies")]
        for user in user_list():
            rows.append(
                (
                    str(user.pk),
                    user.username,
                    user.email,
                    "yes" if user.is_active else "no",
                    "yes" if user.is_admin else "no",
                    ",".join(user.policies),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[-1]]).rstrip())
