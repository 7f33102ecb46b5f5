"""Choosing a table's columns: in the URL (so links and saved views carry them), remembered per
supervisor and table when the column menu posts its choice (a GET changes nothing stored), and
followed by CSV exports."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model

from tests.conftest import AGENT, SUPERVISOR, sign_in_as
from voiphistory.history.catalog import BY_SLUG
from voiphistory.history.models import TableColumns
from voiphistory.jobs.models import Job

HTMX = {"HTTP_HX_REQUEST": "true"}


def header_labels(html: str) -> list[str]:
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    labels = [
        re.sub(r"<[^>]+>", "", th).strip()
        for th in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", head, re.S)
    ]
    return [label for label in labels if label not in ("", "Select", "Actions")]  # not data columns


def test_all_columns_until_some_are_chosen(supervisor):
    labels = header_labels(supervisor.get("/calls/").content.decode())
    assert [c.label for c in BY_SLUG["calls"].columns] == labels


def remember(client, slug: str, cols: list[str]):
    """What the column menu posts when it changes."""
    return client.post(f"/{slug}/columns/", {"cols": cols}, **HTMX)


def test_chosen_columns_show_alone_and_are_remembered_for_that_table_only(supervisor):
    chosen = supervisor.get("/calls/", {"cols": ["", "when", "from", "duration"]}, **HTMX).content.decode()
    assert header_labels(chosen) == ["When", "From", "Duration"]
    row = chosen.split("<tbody", 1)[1].split("</tr>", 1)[0]
    assert row.count('<td class="when">') == 1 and row.count('<td class="num">') == 1
    assert remember(supervisor, "calls", ["", "when", "from", "duration"]).status_code == 204
    again = supervisor.get("/calls/").content.decode()  # no cols in the URL: the remembered choice
    assert header_labels(again) == ["When", "From", "Duration"]
    boxes = dict(re.findall(r'<input type="checkbox" name="cols" value="(\w+)"([^>]*)>', again))
    assert {key for key, attrs in boxes.items() if "checked" in attrs} == {
        "when",
        "from",
        "duration",
    } and "type" in boxes
    assert "Sentiment" in header_labels(supervisor.get("/recordings/").content.decode())


def test_a_plain_get_with_cols_shows_them_for_that_view_only_and_changes_nothing_stored(supervisor):
    remember(supervisor, "calls", ["", "when", "to"])
    assert header_labels(supervisor.get("/calls/", {"cols": ["", "duration"]}).content.decode()) == [
        "Duration"
    ]
    assert header_labels(supervisor.get("/calls/").content.decode()) == [
        "When",
        "To",
    ]  # still the remembered choice
    assert TableColumns.objects.get().columns == ["when", "to"]


def test_the_column_menu_posts_its_choice_with_csrf(client, dashboard, db):
    html = sign_in_as(client, dashboard, SUPERVISOR).get("/calls/").content.decode()
    assert 'hx-post="/calls/columns/" hx-trigger="change" hx-swap="none" hx-push-url="false"' in html
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert remember(strict, "calls", ["when"]).status_code == 403 and not TableColumns.objects.exists()
    assert client.get("/calls/columns/").status_code == 405


def test_unticking_every_column_shows_them_all(supervisor):
    remember(supervisor, "calls", ["", "when"])
    labels = header_labels(supervisor.get("/calls/", {"cols": [""]}).content.decode())
    assert len(labels) == len(BY_SLUG["calls"].columns)
    remember(supervisor, "calls", [""])
    assert len(header_labels(supervisor.get("/calls/").content.decode())) == len(BY_SLUG["calls"].columns)


def test_each_supervisor_has_their_own_columns(client, dashboard, db):
    remember(sign_in_as(client, dashboard, SUPERVISOR), "calls", ["when", "to"])
    agent = sign_in_as(client, dashboard, AGENT)
    assert len(header_labels(agent.get("/calls/").content.decode())) == len(BY_SLUG["calls"].columns)


def test_an_unknown_column_is_refused_with_a_message_and_remembers_nothing(supervisor):
    remember(supervisor, "calls", ["when", "from"])
    page = supervisor.get("/calls/", {"cols": ["when", "<script>"]})
    html = page.content.decode()
    assert page.status_code == 200 and "Nothing was looked up" in html
    assert (
        "Columns: Select a valid choice. &lt;script&gt; is not one of the available choices." in html
    )  # escaped
    assert "<script>" not in html
    assert remember(supervisor, "calls", ["when", "<script>"]).status_code == 400
    labels = header_labels(supervisor.get("/calls/").content.decode())
    assert labels == ["When", "From"]


def test_an_export_has_the_columns_the_table_shows(supervisor):
    remember(supervisor, "calls", ["when", "from", "outcome"])
    html = supervisor.get("/calls/").content.decode()
    query = re.search(r'name="query" value="([^"]*)"', html)[1].replace("&amp;", "&")
    assert "cols=when" in query and "cols=type" not in query
    supervisor.post(
        "/jobs/start/", {"section": "calls", "action": "export", "query": query, "confirm": "yes"}
    )
    from voiphistory.jobs.selectors import table_query

    job = Job.objects.get()
    form, _filters = table_query(section=BY_SLUG["calls"], query=job.query, time_zone="UTC", users={})
    assert [column.key for column in form.visible_columns] == ["when", "from", "outcome"]
    assert get_user_model().objects.count() == 1
