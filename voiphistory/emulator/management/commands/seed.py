"""``python -m voiphistory.emulator seed``: fill the emulator with a contact centre's demo history.

Run ``python -m voiphistory.emulator migrate`` first. See :mod:`voiphistory.emulator.seed`.
"""

from __future__ import annotations

import os
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from voiphistory.emulator import seed as seeding


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Seed the emulator database with deterministic demo data (a small contact centre)."
    requires_system_checks = ()  # seeding needs the tables only, not the URLs

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--cdrs",
            type=_positive,
            default=seeding.DEFAULT_CDRS,
            help=f"number of CDR rows (call legs) to write (default {seeding.DEFAULT_CDRS})",
        )
        parser.add_argument(
            "--days",
            type=_positive,
            default=seeding.DEFAULT_DAYS,
            help=f"days of history (default {seeding.DEFAULT_DAYS})",
        )
        parser.add_argument(
            "--end",
            type=date.fromisoformat,
            default=None,
            help="last day of the history, YYYY-MM-DD (default today, UTC)",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="demo accounts' password (default $VOIPHISTORY_DEMO_PASSWORD, else random)",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--if-empty", action="store_true", help="do nothing when the database holds data")
        group.add_argument("--replace", action="store_true", help="delete the seeded tables' data first")

    def handle(self, *args, **options) -> None:
        if not seeding.tables_exist():
            raise CommandError(
                "The emulator tables do not exist: run `python -m voiphistory.emulator migrate` first."
            )
        if not seeding.database_is_empty() and not options["replace"]:
            if options["if_empty"]:
                seeding.refresh_statistics()
                self.stdout.write("The emulator database already holds data; not seeding (--if-empty).")
                return
            raise CommandError("The emulator database already holds data: use --replace or --if-empty.")
        password = (
            options["password"] or os.environ.get("VOIPHISTORY_DEMO_PASSWORD") or seeding.generate_password()
        )
        total = options["cdrs"]
        step = max(1, total // 10)
        reported = [0]

        def progress(done: int, total: int) -> None:
            if done - reported[0] >= step or done == total:
                reported[0] = done
                self.stdout.write(f"  {done:>12,} / {total:,} CDRs ({100 * done // total}%)")
                self.stdout.flush()

        self.stdout.write(f"Seeding {total:,} CDRs over {options['days']} days (seed {options['seed']})…")
        started = time.monotonic()
        try:
            summary = seeding.seed_database(
                seed=options["seed"],
                cdrs=total,
                days=options["days"],
                end=options["end"],
                password=password,
                progress=progress,
                replace=options["replace"],
            )
        except seeding.SeedError as error:
            raise CommandError(str(error)) from None
        seeding.refresh_statistics()
        elapsed = time.monotonic() - started
        path = seeding.write_password_file(password)
        self.stdout.write(self.style.SUCCESS(f"Seeded in {elapsed:.1f} s: {summary}"))
        self.stdout.write(f"Demo accounts: {', '.join(seeding.DEMO_EMAILS)}")
        self.stdout.write(f"Demo password: {password}  (saved to {path})")
