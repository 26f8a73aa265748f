"""The sweep under a backlog (issue 18): a run acts for at most SWEEP_SECONDS, with SWEEP_WORKERS at
once; what it had no time for stays due and the next run acts on it, once."""
from datetime import UTC, datetime, timedelta

from .conftest import NIGHT, new_customer, sweep


def test_what_one_run_has_no_time_for_is_acted_on_by_the_next_once(api, org, stream, clock, monkeypatch):
    clock.now = NIGHT  # 22:00 in Denver: the confirmations are held until the morning
    sweep(api)
    phones = [f"+1303555{n:04d}" for n in range(400, 412)]
    start = NIGHT + timedelta(hours=40)
    for phone in phones:
        api.post("/jobs", org.dispatcher, {"customer_id": new_customer(api, org, phone), "description": "x",
                                           "appointment": {"window_start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                           "window_end": (start + timedelta(hours=2)).strftime(
                                                               "%Y-%m-%dT%H:%M:%SZ")}})
    stream.settle()
    clock.now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 09:00: all twelve are due
    monkeypatch.setenv("SWEEP_SECONDS", "0")  # a run with no time left
    report = sweep(api)
    assert (report["acted"], report["left"]) == (0, len(phones))
    assert stream.texts() == []

    monkeypatch.setenv("SWEEP_SECONDS", "50")
    monkeypatch.setenv("SWEEP_WORKERS", "4")
    clock.advance(minutes=1)
    assert sweep(api)["acted"] == len(phones)
    assert sorted(to for to, _ in stream.texts()) == phones  # every one, once
    clock.advance(minutes=1)
    assert sweep(api)["acted"] == 0
