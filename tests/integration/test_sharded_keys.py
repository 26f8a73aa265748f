"""Keys written over several partitions (issue 18, sized by bench/capacity) still read back whole:
the due index over DUE_SHARDS partitions per hour, the analytics counters over TALLY_SHARDS per
dimension. Every item exactly once, in order, also when the shard count is raised with items pending."""
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.bootstrap import store_repositories
from chalicelib.domain.timers import Timer, TimerKind
from chalicelib.store import due, tallies

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def put_timers(repos, n: int, seed: int, prefix: str) -> list[tuple[str, str]]:
    rnd = random.Random(seed)
    placed = []
    for i in range(n):
        at = NOW + timedelta(minutes=rnd.randrange(0, 180), seconds=rnd.randrange(60))
        t = Timer("org_1", f"job_{prefix}{i}", f"apt_{prefix}{i}", TimerKind.REMINDER, at, 1, at + timedelta(days=1))
        repos.timers.put(t, NOW)
        placed.append((t.job_id, keys_stamp(at)))
    return placed


def keys_stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_due_index_over_16_shards_returns_every_item_once_in_due_order(aws, monkeypatch):
    monkeypatch.setenv("DUE_SHARDS", "16")
    repos = store_repositories()
    placed = put_timers(repos, 240, seed=1, prefix="a")

    found, queries = due.due_between(NOW, NOW + timedelta(hours=3))

    assert queries == 4 * 16  # one Query per hour bucket (4 touched) and shard: bounded fan-out
    assert sorted(i.job_id for i in found) == sorted(job for job, _ in placed)  # each exactly once
    assert [i.gsi3sk for i in found] == sorted(i.gsi3sk for i in found)  # in due order across shards
    assert len({i.gsi3pk for i in found}) > 16  # really spread over the shards


def test_raising_the_due_shards_keeps_what_was_filed_before(aws, monkeypatch):
    repos = store_repositories()
    monkeypatch.setenv("DUE_SHARDS", "4")
    before = put_timers(repos, 60, seed=2, prefix="b")
    monkeypatch.setenv("DUE_SHARDS", "12")
    after = put_timers(repos, 60, seed=3, prefix="c")

    found, _ = due.due_between(NOW, NOW + timedelta(hours=3))

    assert sorted(i.job_id for i in found) == sorted(job for job, _ in before + after)
    assert [i.gsi3sk for i in found] == sorted(i.gsi3sk for i in found)


def test_each_shards_sweep_reads_its_own_partitions_and_together_they_read_every_item_once(aws, monkeypatch):
    monkeypatch.setenv("DUE_SHARDS", "8")
    repos = store_repositories()
    placed = put_timers(repos, 160, seed=4, prefix="d")

    read = [due.due_between(NOW, NOW + timedelta(hours=3), shard) for shard in range(8)]

    assert [queries for _, queries in read] == [4] * 8  # one Query per hour bucket: the shard's own
    for shard, (found, _) in enumerate(read):
        assert {i.gsi3pk.rsplit("#", 1)[1] for i in found} == {str(shard)}
        assert [i.gsi3sk for i in found] == sorted(i.gsi3sk for i in found)
    assert sorted(i.job_id for found, _ in read for i in found) == sorted(job for job, _ in placed)


def test_a_shard_without_a_watermark_starts_where_the_single_sweep_stopped_or_the_slowest_shard_is(aws):
    """Before the sweep ran per shard it kept one watermark: an upgrade must not skip what it had not done.
    A shard added later (DUE_SHARDS raised) starts from the slowest shard, not from that frozen old mark."""
    from chalicelib.store.models import WatermarkItem, bind
    bind()
    assert due.watermark(0) is None  # a new deployment: the run starts a minute back
    WatermarkItem(pk="SWEEP", sk="WATERMARK", minute="2026-08-01T14:30:00Z").save()
    assert due.watermark(0) == "2026-08-01T14:30:00Z"  # the upgrade: every shard goes on from there
    due.advance_watermark("2026-12-01T15:00:00Z", 1)
    due.advance_watermark("2026-12-01T14:58:00Z", 2)

    assert due.watermark(1) == "2026-12-01T15:00:00Z"
    assert due.watermark(5) == "2026-12-01T14:58:00Z"  # a shard added later: from the slowest one


@pytest.mark.parametrize("shards", [1, 4, 7])
def test_counters_over_shards_add_up_to_every_fact_once_by_day_in_order(aws, monkeypatch, shards):
    monkeypatch.setenv("TALLY_SHARDS", str(shards))
    expected: dict[str, dict[str, int]] = {}
    for i in range(120):
        day = f"2026-12-{1 + i % 3:02d}"
        where = tallies.Where(day, "phone" if i % 2 else "web", "loc_1", "usr_1")
        assert tallies.count("org_1", f"job_{i}", f"sent:msg_{i}", where, {"sent": 1, "segments": 1 + i % 2}, NOW)
        assert not tallies.count("org_1", f"job_{i}", f"sent:msg_{i}", where, {"sent": 1}, NOW)  # a replay
        for sk in (day, f"{day}#{where.channel}"):
            total = expected.setdefault(sk, {})
            total["sent"] = total.get("sent", 0) + 1
            total["segments"] = total.get("segments", 0) + 1 + i % 2

    by_day = tallies.read("org_1", "day", date(2026, 12, 1), date(2026, 12, 3))
    by_channel = tallies.read("org_1", "channel", date(2026, 12, 1), date(2026, 12, 3))

    assert [sk for sk, _ in by_day] == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert dict(by_day) == {sk: v for sk, v in expected.items() if "#" not in sk}
    assert [sk for sk, _ in by_channel] == sorted(sk for sk in expected if "#" in sk)
    assert dict(by_channel) == {sk: v for sk, v in expected.items() if "#" in sk}


def test_counters_written_before_sharding_are_still_counted(aws, monkeypatch):
    where = tallies.Where("2026-12-01", "phone", "loc_1", "usr_1")
    monkeypatch.setenv("TALLY_SHARDS", "1")
    for i in range(10):
        tallies.count("org_1", f"job_{i}", f"sent:m{i}", where, {"sent": 1}, NOW)
    monkeypatch.setenv("TALLY_SHARDS", "4")
    for i in range(10, 30):
        tallies.count("org_1", f"job_{i}", f"sent:m{i}", where, {"sent": 1}, NOW)

    assert tallies.read("org_1", "day", date(2026, 12, 1), date(2026, 12, 1)) == [("2026-12-01", {"sent": 30})]
