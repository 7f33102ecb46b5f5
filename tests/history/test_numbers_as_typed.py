"""Numbers as people type them find the same calls (issue 11, point 4).

The number filters and the Calls quick search go through ``history.numbers``, the normalisation the
follow-up matches with: national forms take the account's country (``VOIPHISTORY_DEFAULT_COUNTRY``).
"""

from __future__ import annotations

import json
import re

import phonenumbers
import pytest

from voiphistory.history.catalog import BY_SLUG
from voiphistory.history.filters import TableQuery
from voiphistory.overview.followup import normalise_number
from voiphistory.voipstudio import Filter

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "table"}
WAYS = [
    "0121 179 4264",
    "+44 121 179 4264",
    "0044 121 1794264",
    "(0121) 179-4264",
    "441211794264",
    "+44 (0)121 179 4264",
    "0121-179-4264",
]


def cleaned(slug: str, **params) -> dict:
    form = TableQuery(BY_SLUG[slug], params, users={})
    assert form.is_valid(), form.errors
    return form.cleaned_data


@pytest.mark.parametrize("written", WAYS)
def test_every_way_of_writing_a_number_filters_on_the_apis_digits(written):
    data = cleaned("calls", from_number=written, to_number=written)
    assert data["from_number"] == data["to_number"] == "441211794264"
    form = TableQuery(BY_SLUG["calls"], {"from_number": written, "legs": "1"}, users={})
    assert form.is_valid() and Filter("src", "like", "441211794264") in form.api_filters()


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("0121 179", "44121179"),
        ("+44 20 3846", "44203846"),
        ("7700900", "7700900"),
        ("(0)7700-900", "447700900"),
    ],
)
def test_part_of_a_number_is_matched_as_the_api_writes_that_part(written, digits):
    assert cleaned("recordings", from_number=written)["from_number"] == digits


@pytest.mark.parametrize("written", ["call me", "0121 abc", "+"])
def test_what_is_not_a_number_is_a_form_error(written):
    form = TableQuery(BY_SLUG["calls"], {"from_number": written}, users={})
    assert not form.is_valid() and "Use digits only" in str(form.errors["from_number"])


def test_a_national_number_takes_the_configured_country(settings):
    settings.VOIPHISTORY_DEFAULT_COUNTRY = "US"
    assert cleaned("calls", to_number="(212) 555-0101")["to_number"] == "12125550101"
    assert cleaned("calls", to_number="011 44 121 179 4264")["to_number"] == "441211794264"
    assert normalise_number("(212) 555-0101") == "12125550101"  # the follow-up's, the same way


@pytest.mark.parametrize("written", WAYS)
def test_the_calls_quick_search_matches_a_typed_number_in_the_caller_id(written):
    assert cleaned("calls", q=written)["q"] == "441211794264"


def test_a_quick_search_that_is_words_or_not_about_numbers_is_left_as_typed():
    assert cleaned("calls", q="Anna 2")["q"] == "Anna 2"
    assert cleaned("calls", q="0")["q"] == "0"  # too short to be a number
    assert cleaned("recordings", q="0121 179 4264")["q"] == "0121 179 4264"  # a transcript says it as spoken


def test_the_follow_up_and_the_filters_share_one_normalisation():
    for written in WAYS:
        assert normalise_number(written) == cleaned("calls", from_number=written)["from_number"]


# --- The tables, against the emulator ------------------------------------------------------------


def busiest_uk_number(emulator, call_type: str, field: str) -> str:
    """The UK number with the most recent calls of a type in the demo data (E.164 digits, as the API
    has it)."""
    flt = json.dumps(
        [
            {"property": "type", "operator": "eq", "value": call_type},
            {"property": field, "operator": "like", "value": "44"},
        ]
    )
    counts: dict[str, int] = {}
    for cdr in emulator.get("/cdrs", limit=1000, filter=flt).json()["data"]:
        number = cdr[field]
        if (
            number.startswith("44")
            and len(number) == 12
            and phonenumbers.is_valid_number(phonenumbers.parse(f"+{number}"))
        ):
            counts[number] = counts.get(number, 0) + 1
    return max(counts, key=counts.get)


def written_ways(digits: str) -> list[str]:
    parsed = phonenumbers.parse(f"+{digits}")
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)  # "0121 179 4264"
    international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    area, _, rest = national.partition(" ")
    return [national, international, "00" + international[1:], f"({area}) {rest.replace(' ', '-')}", digits]


def rows(html: str) -> tuple[str, list[str]]:
    caption = re.search(r"<caption>(.*?)</caption>", html, re.S)
    assert caption, "no table rendered"
    return caption.group(1), sorted(set(re.findall(r'href="/calls/(\d+)/"', html)))


@pytest.mark.parametrize(
    ("name", "call_type", "field"),
    [
        ("from_number", "I", "src"),
        ("q", "I", "src"),
        ("to_number", "O", "dst"),
    ],
)
def test_a_national_number_finds_exactly_the_rows_the_international_one_finds(
    supervisor, dashboard, name, call_type, field
):
    number = busiest_uk_number(dashboard, call_type, field)
    found = []
    for written in written_ways(number):
        for response in (
            supervisor.get("/calls/", {name: written, "preset": "30d"}),
            supervisor.get("/calls/", {name: written, "preset": "30d"}, **HTMX),
        ):
            assert response.status_code == 200
            found.append(rows(response.content.decode()))
    assert found[0][1], f"no calls with {number} in 30 days"
    assert all(result == found[0] for result in found), found


def test_the_country_setting_is_checked_at_start(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from voiphistory.envconf import env_country

    monkeypatch.setenv("VOIPHISTORY_DEFAULT_COUNTRY", " us ")
    assert env_country("VOIPHISTORY_DEFAULT_COUNTRY", "GB") == "US"
    monkeypatch.setenv("VOIPHISTORY_DEFAULT_COUNTRY", "UK")  # not an ISO code: Great Britain is GB
    with pytest.raises(ImproperlyConfigured, match="two-letter country code"):
        env_country("VOIPHISTORY_DEFAULT_COUNTRY", "GB")
