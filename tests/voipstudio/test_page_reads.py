"""A page's reads sent side by side (issue 14.1): each runs under the page's budget and adds to its
request tally whichever thread sends it; their failures come out as one read after another would
give them, except that an expired sign-in always wins."""

from __future__ import annotations

import threading

import pytest

from voiphistory.voipstudio import Unauthorized, Unavailable, budget, timing


def test_reads_submitted_side_by_side_run_under_the_budget_and_count_in_the_tally():
    both_running = threading.Barrier(2, timeout=10)  # proves the two run at the same time

    def read(name: str) -> tuple[str, float | None]:
        both_running.wait()
        timing.record(0.5)
        return name, budget.remaining()

    with timing.tally() as tally, budget.time_budget(6), budget.PageReads() as reads:
        results = budget.settle([reads.submit(read, "a"), reads.submit(read, "b")])
    assert [name for name, _ in results] == ["a", "b"]
    assert all(left is not None and 0 < left <= 6 for _, left in results)
    assert tally.requests == 2
    assert (
        0.5 <= tally.seconds < 1.0
    )  # the two were open at the same time: the page waited less than their sum


def test_the_time_waited_counts_overlapping_requests_once():
    waited = timing.Tally(requests=3, spans=[(10.0, 10.4), (10.1, 10.5), (11.0, 11.2)])
    assert round(waited.seconds, 6) == 0.7 and round(waited.milliseconds) == 700


def test_a_read_started_alone_counts_in_the_tally_too():
    with timing.tally() as tally:
        future = budget.start(timing.record, 0.25)
        future.result()
    assert tally.requests == 1


def test_the_tally_loses_no_request_counted_from_many_threads_at_once():
    with timing.tally() as tally, budget.PageReads(max_workers=8) as reads:
        budget.settle([reads.submit(lambda: [timing.record(0.001) for _ in range(2000)]) for _ in range(8)])
    assert tally.requests == 16_000


def _fails(error: Exception):
    def read():
        raise error

    return read


def test_settle_raises_the_first_failure_in_order_but_an_expired_sign_in_first_of_all():
    first, second = Unavailable("first"), Unavailable("second")
    with budget.PageReads() as reads:
        with pytest.raises(Unavailable) as raised:
            budget.settle(
                [reads.submit(lambda: 1), reads.submit(_fails(first)), reads.submit(_fails(second))]
            )
        assert raised.value is first
        expired = Unauthorized("Unauthorized", status=401)
        with pytest.raises(Unauthorized):
            budget.settle([reads.submit(_fails(first)), reads.submit(_fails(expired))])


def test_leaving_the_block_waits_for_reads_still_running():
    release = threading.Event()
    done: list[str] = []

    def slow() -> None:
        release.wait(10)
        done.append("read")

    with pytest.raises(RuntimeError), budget.PageReads() as reads:
        reads.submit(slow)
        release.set()  # the read still has to wake up and finish: leaving must wait for that
        raise RuntimeError("the page failed")
    assert done == ["read"]


def test_the_shared_session_keeps_a_connection_for_every_read_a_web_process_has_in_flight():
    from voiphistory.accounts.upstream import shared_session

    web_threads = 4  # gunicorn's --threads in devstack and docker/entrypoint.sh
    adapter = shared_session().get_adapter("https://l7api.com/v1.2/voipstudio/cdrs")
    # Each thread's page: its reads side by side, its SIP ladder read alongside, and its own.
    assert adapter.poolmanager.connection_pool_kw["maxsize"] >= web_threads * (budget.PAGE_CONCURRENCY + 2)
