"""``python -m voiphistory.emulator <command>``: Django's manage.py for the emulator.

Commands: ``migrate``, ``seed`` (realistic demo data), ``demo_password``, ``serve``.
"""

import os
import sys

if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "voiphistory.emulator.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *sys.argv[1:]])
