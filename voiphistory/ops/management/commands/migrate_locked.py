"""``migrate`` that several replicas may run at once: on PostgreSQL the first takes an advisory
lock and migrates, the others wait for it and then find nothing left to do."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any constant shared by every replica; "voiphist" in ASCII.
LOCK_ID = 0x766F697068697374


class Command(BaseCommand):
    help = "Apply migrations, one replica at a time."

    def handle(self, *args: object, **options: object) -> None:
        verbosity = options.get("verbosity", 1)
        if connection.vendor != "postgresql":
            call_command("migrate", interactive=False, verbosity=verbosity)
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
            try:
                call_command("migrate", interactive=False, verbosity=verbosity)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
