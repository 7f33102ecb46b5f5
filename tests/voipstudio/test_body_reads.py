"""Issue 14.3: a page's answer is read in one read (not requests' 10 KB chunks, each of which must win
the GIL back while an export writes), and a CDR is built through its slots: the same record as
``__init__`` builds, in half the time."""

from __future__ import annotations

import dataclasses

import pytest
from urllib3.response import HTTPResponse

from tests.voipstudio.http_doubles import BASE, CDR, MONITOR, client, mock  # noqa: F401 (fixtures)
from voiphistory.voipstudio import Cdr, Monitor, Raw
from voiphistory.voipstudio._parse import build_record, record_kwargs


def test_a_page_of_many_kb_is_read_in_one_read_and_reads_as_before(mock, client, monkeypatch):
    sizes: list[int | None] = []
    read = HTTPResponse.read
    monkeypatch.setattr(
        HTTPResponse, "read", lambda self, amt=None, **kw: sizes.append(amt) or read(self, amt, **kw)
    )
    cdrs = [dict(CDR, id=CDR["id"] + n, src_name="x" * 200) for n in range(500)]  # ~150 KB
    mock.get(f"{BASE}/cdrs", json={"data": cdrs, "total": 500})
    page = client.cdrs.page(limit=500)
    assert [cdr.id for cdr in page.items] == [cdr["id"] for cdr in cdrs] and page.total == 500
    assert sizes and all(size is None for size in sizes)  # never a 10 KB piece


def test_a_page_answer_is_read_by_one_call_and_decoded_by_another(mock, client):
    mock.get(f"{BASE}/cdrs", json={"data": [CDR], "total": 1})
    answer = client.cdrs.page_answer(page=1, limit=10)
    assert len(mock.calls) == 1 and answer.content  # read, not yet decoded
    page = client.cdrs.page_of(answer, page=1, limit=10)
    assert [cdr.id for cdr in page.items] == [CDR["id"]] and (page.total, page.page, page.limit) == (1, 1, 10)


@pytest.mark.parametrize(
    "data",
    [
        CDR,
        dict(CDR, duration="12", billsec="x", is_root=1, calldate="2024-03-01T10:00:00+02:00"),
        dict(CDR, user_id=None, src=None, clid=12),
    ],
)
def test_a_record_built_through_its_slots_is_the_record_init_builds(data):
    built = build_record(Cdr, data)
    assert built == Cdr(**record_kwargs(Cdr, data))
    assert all(hasattr(built, field.name) for field in dataclasses.fields(Cdr))  # every slot set
    assert hash(built) == hash(Cdr(**record_kwargs(Cdr, data)))


def test_given_fields_are_kept_and_an_unknown_one_goes_through_init():
    monitor = Monitor.from_api(MONITOR)
    assert monitor == Monitor(**record_kwargs(Monitor, MONITOR, sentiment=monitor.sentiment))
    assert build_record(Cdr, CDR, type=Raw("Z")).type == Raw("Z")
    with pytest.raises(TypeError):
        build_record(Cdr, CDR, no_such_field=1)  # as Cdr(**…) would refuse it
