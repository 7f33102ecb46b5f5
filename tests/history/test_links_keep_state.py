"""Every link or form that changes one aspect of a table keeps every other filter (issue 11, point 1).

Generated from the forms: for each section of the catalogue, every field its ``TableQuery`` has is
set to a valid, non-default value (a new field of an unknown kind fails ``query_for``). The page and
its HTMX fragment are rendered; each sort link, pager link, the page-size select (which sends the
filter form), the column menu (in the filter form), the saved-view, export and delete-all ``query``,
the delete links' ``next`` and the table's own reload URL are parsed back, and the filters must be
exactly the ones asked for. The upstream read is the real table read of a broad query with its
total inflated, so every part of the table (rows, headers, pager, toolbars) renders.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django import forms
from django.http import QueryDict
from django.utils import timezone

from tests.overview.conftest import eager  # noqa: F401 (a fixture: Celery computes the follow-up inline)
from voiphistory.history import selectors
from voiphistory.history.catalog import SECTIONS, Section
from voiphistory.history.filters import PAGE_SIZES, ColumnsField, PhoneFragmentField, TableQuery
from voiphistory.history.models import SavedView
from voiphistory.web.dates import DayField

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "table"}
#: The one aspect a link may change, with what goes with it: a new sort or fewer hours start again
#: at page 1. Everything else in the query must come back exactly as it was asked.
ASPECTS = ({"sort", "page"}, {"page"}, {"from_time", "to_time", "page"})


class Elements(HTMLParser):
    """Every start tag with its attributes and the id of the form it belongs to (or its form=)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str], str]] = []
        self._forms: list[str] = []
        self._select: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._forms.append(attributes.get("id", ""))
        owner = attributes.get("form") or (self._forms[-1] if self._forms else "")
        if tag == "option" and self._select is not None:
            self._select.setdefault("options", []).append(attributes)
            return
        element = {"tag": tag, **attributes}
        if tag == "select":
            self._select = element
        self.elements.append((tag, element, owner))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._forms:
            self._forms.pop()
        if tag == "select":
            self._select = None


def parse(html: str) -> list[tuple[str, dict, str]]:
    parser = Elements()
    parser.feed(html)
    return parser.elements


def form_data(elements, form_id: str, *, picked: dict[str, str] | None = None) -> dict[str, list[str]]:
    """What a browser (or htmx's hx-include) sends for the form: named controls, checked boxes, the
    selected option of each select (or the one ``picked`` by the select's id); empty values dropped,
    as the table reads them."""
    sent: dict[str, list[str]] = {}
    for tag, element, owner in elements:
        name = element.get("name")
        if owner != form_id or not name or tag not in ("input", "select", "textarea"):
            continue
        if tag == "select" and element.get("id") in (picked or {}):
            values = [picked[element["id"]]]
        elif tag == "select":
            chosen = [o.get("value", "") for o in element.get("options", []) if "selected" in o]
            values = chosen[:1] or [o.get("value", "") for o in element.get("options", [])[:1]]
        elif element.get("type") in ("checkbox", "radio"):
            values = [element.get("value", "on")] if "checked" in element else []
        else:
            values = [element.get("value", "")]
        sent.setdefault(name, []).extend(value for value in values if value)
    return {name: values for name, values in sent.items() if values}


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=False)


def query_for(section: Section, users: dict[int, str]) -> dict[str, list[str]]:
    """A valid, non-default value for every field the section's table form has."""
    form = TableQuery(section, QueryDict(), users=users)
    today = timezone.localdate()
    asked: dict[str, list[str]] = {}
    for name, field in form.fields.items():
        if name == "preset":
            value = ["custom"]
        elif isinstance(field, DayField):
            value = [(today - timedelta(days=20 if name == "start" else 1)).isoformat()]
        elif isinstance(field, forms.DateTimeField):  # an hour within those days
            value = [
                f"{(today - timedelta(days=2)).isoformat()}T{'09:00' if name.startswith('from') else '10:00'}"
            ]
        elif isinstance(field, PhoneFragmentField):
            value = ["0121 179" if name == "from_number" else "+44 20 3846"]
        elif isinstance(field, ColumnsField):
            value = [key for key, _label in field.choices][:3]
        elif name == "sort":
            value = [f"-{next(key for key in section.sort_fields if key != 'when')}"]
        elif name == "size":
            value = [str(PAGE_SIZES[1])]
        elif name == "page":
            value = ["2"]
        elif name == "q":
            value = ["an"]
        elif isinstance(field, forms.BooleanField):
            value = [field.widget.attrs.get("value", "on")]  # what its ticked box sends
        elif isinstance(field, forms.ChoiceField):
            value = [str(field.choices[-1][0])]
            if not value[0]:  # the User filter of an account that may not list its users offers only "Anyone"
                continue
        elif isinstance(field, forms.IntegerField):
            value = [str(field.max_value if name.startswith("max") else (field.min_value or 0) + 1)]
        else:
            raise AssertionError(f"{section.slug}.{name}: a new kind of field; say here how to set it")
        asked[name] = value
    checked = TableQuery(section, _querydict(asked), users=users)
    assert checked.is_valid(), (section.slug, checked.errors)
    return asked


def _querydict(values: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, items in values.items():
        data.setlist(name, items)
    return data


@pytest.fixture
def every_part_renders(monkeypatch):
    """The table's real read of a broad query (the last 7 days, same sort, size and columns), said
    to have many pages: the page asked for is the second of them, so every link is drawn."""
    real = selectors.table_page

    def broad(*, client, section, query, customer_id=None):
        wide = QueryDict(mutable=True)
        for name in (
            "sort",
            "size",
            "cols",
            *(n for n, f in query.fields.items() if isinstance(f, forms.BooleanField)),
        ):
            wide.setlist(name, query.data.getlist(name))
        wide["preset"] = "7d"
        broad_query = TableQuery(section, wide, users={})
        assert broad_query.is_valid(), broad_query.errors
        got = real(client=client, section=section, query=broad_query, customer_id=customer_id)
        assert got.items, f"the emulator has no {section.slug} in the last 7 days"
        return dataclasses.replace(got, page=query.page_number, total=max(got.total, 5 * got.limit))

    monkeypatch.setattr(selectors, "table_page", broad)


def assert_keeps(
    asked: dict[str, list[str]], got: dict[str, list[str]], *, changed: set[str], where: str
) -> None:
    kept = {name: values for name, values in asked.items() if name not in changed}
    assert {name: got.get(name) for name in kept} == kept, where
    assert not (set(got) - set(asked) - changed), f"{where}: unexpected {set(got) - set(asked) - changed}"


def check_table_links(section: Section, elements, asked: dict[str, list[str]], path: str) -> int:
    """Every state-carrying element of the table: the number found (so a test can't pass on none)."""
    found = 0
    for tag, element, _owner in elements:
        for attribute in ("href", "hx-get"):
            url = element.get(attribute, "")
            if not url.startswith("?") and urlsplit(url).path != path and "next=" not in url:
                continue
            got = query_of(url)
            if "next" in got:  # a delete link: it comes back to the table as it was
                got = query_of(got["next"][0])
                assert_keeps(asked, got, changed=set(), where=f"{section.slug} {tag} {attribute}={url}")
                found += 1
                continue
            if not got:  # "Clear filters" and the page-size select, which sends the filter form instead
                continue
            differs = {name for name in set(asked) | set(got) if asked.get(name) != got.get(name)}
            aspect = next((group for group in ASPECTS if differs <= group), set())
            assert_keeps(asked, got, changed=aspect, where=f"{section.slug} {tag} {attribute}={url}")
            found += 1
        name, value = element.get("name"), element.get("value", "")
        if tag == "input" and name in ("query", "next") and value:
            got = query_of(value) if name == "next" else parse_qs(value)
            # Jobs and saved views act on the whole query; a saved view drops the page when it saves.
            assert_keeps(
                asked,
                got,
                changed=set() if name == "next" else {"page"},
                where=f"{section.slug} {name}={value}",
            )
            found += 1
    return found


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.slug)
def test_every_link_and_form_of_a_filtered_table_keeps_every_filter(supervisor, every_part_renders, section):
    path = f"/{section.slug}/"
    asked = query_for(section, users_offered(parse(supervisor.get(path).content.decode())))
    page = supervisor.get(path, _querydict(asked))
    assert page.status_code == 200
    elements = parse(page.content.decode())

    # The filter bar (what htmx sends on any change, and with the page-size select and column menu).
    sent = form_data(elements, "filters")
    assert_keeps(asked, sent, changed={"page"}, where=f"{section.slug} #filters")
    # Another page size: htmx sends the select's new value with the filter form (hx-include), the
    # select counted once; nothing else may send a size that outvotes it.
    size, size_owner = next(
        (e, owner) for tag, e, owner in elements if tag == "select" and e.get("name") == "size"
    )
    assert size["hx-include"] == "#filters" and size["hx-get"] == path
    assert any("selected" in o and o["value"] == asked["size"][0] for o in size["options"])
    other = next(o["value"] for o in size["options"] if o["value"] != asked["size"][0])
    resized = form_data(elements, "filters", picked={size["id"]: other})
    if size_owner != "filters":
        resized.setdefault("size", []).append(other)
    assert resized["size"] == [other], "the page-size select is outvoted"
    assert_keeps(asked, resized, changed={"size", "page"}, where=f"{section.slug} page size")
    assert check_table_links(section, elements, asked, path) >= 6  # sort headers, pager, jobs, reload…
    # Saving the view, as htmx posts it (the filter form included): it opens on the same filters.
    posted = {
        **form_data(elements, "filters"),
        "name": f"All of {section.slug}",
        "query": _querydict(asked).urlencode(),
    }
    saved = supervisor.post(f"/{section.slug}/save-view/", posted)
    assert saved.status_code in (200, 302)
    view = SavedView.objects.get(name=f"All of {section.slug}")
    assert_keeps(asked, parse_qs(view.query), changed={"page"}, where=f"{section.slug} saved view")

    fragment = supervisor.get(path, _querydict(asked), **HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    elements = parse(fragment.content.decode())
    assert check_table_links(section, elements, asked, path) >= 6
    # What the filter bar sends from now on: the table's sort and page size go with it.
    kept = form_data(elements, "filters")
    assert kept["sort"] == asked["sort"] and kept["size"] == asked["size"]


def users_offered(elements) -> dict[int, str]:
    """The people the unfiltered page's User/Operator filters offer (the form's choices)."""
    return {
        int(o["value"]): o["value"]
        for tag, e, _ in elements
        if tag == "select" and e.get("name") in ("user", "operator")
        for o in e.get("options", [])
        if o.get("value")
    }


def test_the_broken_link_shape_would_fail_this_test():
    """The check itself: "??preset=…" (the old bug) loses the first filter and is caught."""
    asked = {"preset": ["yesterday"], "call_type": ["M"], "sort": ["-duration"], "page": ["2"]}
    with pytest.raises(AssertionError):
        assert_keeps(
            asked,
            query_of("??preset=yesterday&call_type=M&sort=-duration&page=3"),
            changed={"page"},
            where="",
        )
    assert_keeps(
        asked, query_of("?preset=yesterday&call_type=M&sort=-duration&page=3"), changed={"page"}, where=""
    )


# --- The audit log's and the follow-up list's pagers ------------------------------------------------


def check_pager(html: str, asked: dict[str, list[str]], *, export: str = "") -> None:
    links = [
        (e.get("rel", ""), e.get(attribute, ""))
        for tag, e, _ in parse(html)
        if tag == "a"
        for attribute in ("href", "hx-get")
        if e.get(attribute, "").startswith(("?", export or "?"))
    ]
    assert {rel for rel, _ in links} >= {"prev", "next"}, links
    for rel, url in links:
        assert_keeps(asked, query_of(url), changed={"page"}, where=url)
        if rel:
            assert query_of(url)["page"] == [str(int(asked["page"][0]) + (1 if rel == "next" else -1))]
    if export:
        assert any(url.startswith(export + "?") for _, url in links), "no export link"


def test_the_audit_pager_and_export_keep_the_filters(supervisor):
    from voiphistory.audit.models import Action, AuditEvent

    customer = supervisor.session["voipstudio"]["account"]["customer_id"]
    yesterday = timezone.now() - timedelta(days=1)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                customer_id=customer, action=Action.LISTEN, email="pat@example.com", created_at=yesterday
            )
            for _ in range(120)
        ]
    )
    day = timezone.localdate(yesterday).isoformat()
    asked = {"user": ["pat@"], "action": [Action.LISTEN.value], "start": [day], "end": [day], "page": ["2"]}
    for response in (
        supervisor.get("/audit/", _querydict(asked)),
        supervisor.get("/audit/", _querydict(asked), **HTMX),
    ):
        html = response.content.decode()
        assert "51–100 of 120 events" in html
        check_pager(html, asked, export="/audit/export.csv")


def test_the_follow_up_pager_keeps_the_period_and_status(supervisor, eager, monkeypatch):
    from voiphistory.overview import views

    monkeypatch.setattr(views, "FOLLOW_UPS_PER_PAGE", 5)  # a week of calls nobody returned is a few pages
    asked = {"period": ["7d"], "status": ["not_returned"], "page": ["2"]}
    for response in (
        supervisor.get("/overview/missed/", _querydict(asked)),
        supervisor.get("/overview/missed/", _querydict(asked), **HTMX),
    ):
        html = response.content.decode()
        assert "Not returned" in html and "Called back" not in html.split("<tbody>", 1)[1]
        check_pager(html, asked)


def test_a_hidden_page_size_beside_the_select_would_be_caught():
    """The other old bug: a hidden ``size`` in the filter form outvoted the page-size select."""
    old = parse(
        '<form id="filters"></form><input type="hidden" name="size" value="25" form="filters">'
        '<select id="page-size" name="size" hx-include="#filters"><option value="25" selected>25</option>'
        '<option value="50">50</option></select>'
    )
    resized = form_data(old, "filters", picked={"page-size": "50"})
    resized.setdefault("size", []).append("50")  # the select is not in the form: htmx adds its value
    assert resized["size"] == ["25", "50"]  # what the check refuses
