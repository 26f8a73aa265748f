"""The sweep under a backlog (issue 18): a run acts for at most SWEEP_SECONDS, with SWEEP_WORKERS at
once; what it had no time for stays due and the next run acts on it, once."""
from datetime import UTC, datetime, timedelta

import pytest

from .conftest import NIGHT, new_customer, sweep


def booked_at_night(api, org, stream, clock, numbers: range) -> list[str]:
    """A visit for each customer booked at 22:00 in Denver: their confirmations are held until the morning."""
    clock.now = NIGHT
    sweep(api)
    phones = [f"+1303555{n:04d}" for n in numbers]
    start = NIGHT + timedelta(hours=40)
    for phone in phones:
        api.post("/jobs", org.dispatcher, {"customer_id": new_customer(api, org, phone), "description": "x",
                                           "appointment": {"window_start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                           "window_end": (start + timedelta(hours=2)).strftime(
                                                               "%Y-%m-%dT%H:%M:%SZ")}})
    stream.settle()
    return phones


def test_what_one_run_has_no_time_for_is_acted_on_by_the_next_once(api, org, stream, clock, monkeypatch):
    phones = booked_at_night(api, org, stream, clock, range(400, 412))
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


def test_each_shard_is_swept_by_its_own_run_and_together_they_act_on_every_item_once(api, org, stream, clock):
    phones = booked_at_night(api, org, stream, clock, range(420, 436))
    clock.now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 09:00: the held confirmations are due

    runs = [api.client.lambda_.invoke("timer_sweep", {"shard": shard}).payload for shard in range(4)]

    assert [r["shard"] for r in runs] == [0, 1, 2, 3] and all(r["queries"] <= 24 for r in runs)
    assert sum(r["acted"] for r in runs) == len(phones) and sum(1 for r in runs if r["acted"]) > 1
    assert sorted(to for to, _ in stream.texts()) == phones  # every one, once
    assert [api.client.lambda_.invoke("timer_sweep", {"shard": s}).payload["acted"] for s in range(4)] == [0] * 4


def test_a_sweep_invoked_without_a_shard_it_knows_fails_and_changes_nothing(api, org, stream, clock):
    from chalicelib.store import due
    clock.now = NIGHT
    sweep(api)
    marks = [due.watermark(shard) for shard in range(4)]
    clock.advance(minutes=5)
    for event in ({}, {"shard": 4}, {"shard": -1}, {"shard": "1"}, {"shard": True}, {"shard": 1.0}, []):
        with pytest.raises(ValueError, match="shard"):
            api.client.lambda_.invoke("timer_sweep", event)
    assert [due.watermark(shard) for shard in range(4)] == marks
