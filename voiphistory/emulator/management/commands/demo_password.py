"""``python -m voiphistory.emulator demo_password``: set and show the demo accounts' password.

The password comes from ``--password``, else ``$VOIPHISTORY_DEMO_PASSWORD``, else the one stored in
``<data dir>/demo-password`` (a new random one when there is none). It is written to the three demo
accounts and to that file, and printed with the emails and the two-factor code.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from voiphistory.emulator import seed as seeding


class Command(BaseCommand):
    help = "Set (or keep) the demo accounts' password and print the login details."
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", default=None, help="new password (default: env, else the stored one)"
        )

    def handle(self, *args, **options) -> None:
        if not seeding.tables_exist():
            raise CommandError(
                "The emulator tables do not exist: run `python -m voiphistory.emulator migrate` first."
            )
        password = (
            options["password"]
            or os.environ.get("VOIPHISTORY_DEMO_PASSWORD")
            or seeding.read_stored_password()
            or seeding.generate_password()
        )
        emails = seeding.set_demo_password(password)
        if not emails:
            raise CommandError("No demo accounts: run `python -m voiphistory.emulator seed` first.")
        path = seeding.write_password_file(password)
        self.stdout.write("Demo accounts of the VoIPstudio emulator:")
        roles = {
            seeding.SUPERVISOR_EMAIL: "supervisor, full rights",
            seeding.AGENT_EMAIL: "agent, read-only (writes answer 403)",
            seeding.TWOFACTOR_EMAIL: "admin with two-factor login",
        }
        for email in seeding.DEMO_EMAILS:
            if email in emails:
                self.stdout.write(f"  {email:<32} {roles[email]}")
        self.stdout.write(f"Password:       {password}  (saved to {path})")
        self.stdout.write(f"Two-factor code: {settings.EMULATOR_2FA_CODE}")
