"""Typed readers for configuration from the environment.

Settings modules call these; everything else reads ``django.conf.settings``.
A malformed value fails loudly at start-up instead of misbehaving later.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, got {value}")
    return value


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_country(name: str, default: str) -> str:
    """An ISO 3166 alpha-2 country code phone numbers know ("GB", "US"), upper-cased."""
    import phonenumbers  # only settings call this, once

    value = os.environ.get(name, default).strip().upper()
    if phonenumbers.country_code_for_region(value) == 0:
        raise ImproperlyConfigured(
            f"{name} must be a two-letter country code such as GB or US, got {value!r}"
        )
    return value


def env_codes(name: str, default: str, *, names: frozenset[str] | None = None) -> dict[str, int | str]:
    """A ``name=code,name=code`` list (``INBOX=1,Old=2``), in order, as a dict; codes that are
    integers become ints. ``names``: exactly these names must be given (case-insensitive)."""
    raw = os.environ.get(name, default)
    result: dict[str, int | str] = {}
    for item in (part.strip() for part in raw.split(",")):
        key, sep, code = (text.strip() for text in item.partition("="))
        if not item:
            continue
        if not sep or not key or not code:
            raise ImproperlyConfigured(f"{name} must be a list of name=code, got {raw!r}")
        value: int | str = int(code) if code.lstrip("-").isdigit() else code
        if key in result or value in result.values():
            raise ImproperlyConfigured(f"{name} names each name and each code once, got {raw!r}")
        result[key] = value
    if not result:
        raise ImproperlyConfigured(f"{name} must not be empty")
    if names is not None and {key.lower() for key in result} != names:
        raise ImproperlyConfigured(
            f"{name} must give a code to each of {', '.join(sorted(names))}, got {raw!r}"
        )
    return result


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


def persistent_secret(path: Path) -> str:
    """A random secret made on first use and kept (mode 0600) so restarts keep sessions valid."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of the stack made it a moment ago
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
