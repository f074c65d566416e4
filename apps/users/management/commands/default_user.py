"""``manage.py default_user``: create the single-user mode's ``default`` user if missing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.users.services import user_ensure_default


class Command(BaseCommand):
    help = "Create the user 'default' that every request acts as in single-user mode (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PLYNX_MULTI_USER:
            self.stdout.write("Multi-user mode (PLYNX_SECRET_KEY is set): no default user is created.")
            return
        user = user_ensure_default()
        self.stdout.write(f"Single-user mode: every request acts as user {user.username!r}.")
