"""What the security tests share: every URL pattern of the dashboard, with a sample path for each,
taken from the URL configuration itself so a view added tomorrow is checked too."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import SUPERVISOR, sign_in_as

# A sample value per converter; a pattern with any other converter fails the suite until one is added.
SAMPLES = {"IntConverter": 1, "SlugConverter": "calls", "StringConverter": "x", "PathConverter": "x"}
REGEX_SAMPLES = ["1", "12345", "calls", "x"]


def _reverses(name: str, kwargs: dict) -> bool:
    try:
        reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return False
    return True


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str
    path: str
    view: object

    def __str__(self) -> str:
        return self.name


def _walk(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, pattern.namespace or namespace)
        else:
            yield namespace, pattern


def routes() -> list[Route]:
    found = []
    for namespace, pattern in _walk(get_resolver().url_patterns):
        assert isinstance(pattern, URLPattern) and pattern.name, f"unnamed URL pattern {pattern}"
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        kwargs = {}
        for key, converter in pattern.pattern.converters.items():
            kind = type(converter).__name__
            assert kind in SAMPLES, f"{name}: add a sample value for {kind} to tests/security/conftest.py"
            kwargs[key] = SAMPLES[kind]
        for key in pattern.pattern.regex.groupindex:  # re_path groups: the first sample the regex takes
            if key not in kwargs:
                kwargs[key] = next((v for v in REGEX_SAMPLES if _reverses(name, {**kwargs, key: v})), None)
                assert kwargs[key] is not None, f"{name}: add a sample for ({key}) to REGEX_SAMPLES"
        found.append(Route(name, str(pattern.pattern), reverse(name, kwargs=kwargs), pattern.callback))
    return found


ROUTES = routes()


@pytest.fixture
def csrf_client(dashboard, db) -> Client:
    """A signed-in supervisor whose client enforces CSRF checks, as a browser's requests are checked."""
    return sign_in_as(Client(enforce_csrf_checks=True), dashboard, SUPERVISOR)
