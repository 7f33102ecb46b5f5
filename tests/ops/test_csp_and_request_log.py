"""Every page carries Django's Content-Security-Policy and has nothing inline for it to block;
each request logs one line with timings and never a token; debug mode shows the upstream cost."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


def assert_nothing_inline(html: str) -> None:
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html)


def assert_strict_csp(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe" not in policy


def test_sign_in_page_has_csp_and_no_inline_code(client, db):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert_strict_csp(response)
    html = response.content.decode()
    assert_nothing_inline(html)
    assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html


@pytest.mark.parametrize("path", ["/calls/", "/recordings/", "/voicemail/", "/chats/", "/settings/"])
def test_signed_in_pages_have_csp_and_no_inline_code(supervisor, path):
    response = supervisor.get(path)
    assert response.status_code == 200
    assert_strict_csp(response)
    assert_nothing_inline(response.content.decode())


def test_no_template_has_inline_script_style_or_handler():
    for template in (ROOT / "templates").rglob("*.html"):
        assert_nothing_inline(template.read_text())


def test_htmx_indicator_styles_live_in_app_css():
    css = (ROOT / "static" / "css" / "app.css").read_text()
    assert ".htmx-indicator" in css and ".htmx-request .htmx-indicator" in css


def test_one_log_line_per_request_with_timings_and_no_secret(supervisor, dashboard, caplog):
    token = dashboard.token()
    with caplog.at_level(logging.INFO, logger="voiphistory.request"):
        response = supervisor.get("/calls/?q=anna&token=s3cr3t-value&page=1", HTTP_X_AUTH_TOKEN=token)
    assert response.status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "voiphistory.request"]
    assert len(lines) == 1
    line = lines[0]
    assert "method=GET path=/calls/ " in line and "status=200" in line
    assert re.search(r"duration_ms=\d+\.\d", line) and re.search(r"upstream_ms=\d+\.\d", line)
    assert int(re.search(r"upstream_requests=(\d+)", line).group(1)) >= 1
    assert "q=anna" in line and "token=REDACTED" in line
    assert "s3cr3t-value" not in line and token not in line
    assert all(token not in r.getMessage() for r in caplog.records)


def test_debug_mode_shows_upstream_requests_per_page(supervisor, settings):
    settings.DEBUG = True
    response = supervisor.get("/calls/")
    html = response.content.decode()
    footer = re.search(r"data-debug-upstream>VoIPstudio: (\d+) requests? in (\d+) ms", html)
    assert footer and int(footer.group(1)) >= 1
    assert response.headers["Server-Timing"].startswith("voipstudio;dur=")


def test_production_mode_shows_no_upstream_figures(supervisor):
    response = supervisor.get("/calls/")
    assert "data-debug-upstream" not in response.content.decode()
    assert "Server-Timing" not in response.headers
