"""Settings for the type checker only (``[tool.django-stubs]`` in pyproject.toml); nothing runs with them.

The dashboard and the emulator are two Django projects in one package, each with its own settings
(``voiphistory.settings``, ``voiphistory.emulator.settings``) and its own process. django-stubs
types models (their managers) and ``django.conf.settings`` from one settings module per mypy run,
so this one is the dashboard's settings plus the emulator's app and its ``EMULATOR_*`` knobs.
A knob added to the emulator's settings and read through ``django.conf.settings`` goes here too
(mypy says so: "'Settings' object has no attribute ...").
"""

from __future__ import annotations

from voiphistory.emulator import settings as emulator
from voiphistory.settings import *  # noqa: F403  (the dashboard's settings, unchanged)
from voiphistory.settings import INSTALLED_APPS as DASHBOARD_APPS

INSTALLED_APPS = [*DASHBOARD_APPS, *emulator.INSTALLED_APPS]

EMULATOR_PROFILES = emulator.EMULATOR_PROFILES
EMULATOR_PROFILE = emulator.EMULATOR_PROFILE
EMULATOR_DEFAULT_LIMIT = emulator.EMULATOR_DEFAULT_LIMIT
EMULATOR_MAX_LIMIT = emulator.EMULATOR_MAX_LIMIT
EMULATOR_SESSION_IDLE_SECONDS = emulator.EMULATOR_SESSION_IDLE_SECONDS
EMULATOR_2FA_CODE = emulator.EMULATOR_2FA_CODE
EMULATOR_DELETE_UNKNOWN = emulator.EMULATOR_DELETE_UNKNOWN
EMULATOR_ASYNC_DELETE_SECONDS = emulator.EMULATOR_ASYNC_DELETE_SECONDS
