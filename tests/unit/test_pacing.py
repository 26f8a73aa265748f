"""The pacing rules (domain/pacing.py): the one-second send window, the lanes' order, the release spread."""
from datetime import UTC, datetime, time, timedelta

import pytest

from chalicelib.domain.pacing import Lanes, SendWindow, Waiting, default_rate, identity_kind, release_offset
from chalicelib.domain.scenarios import QuietHours

EIGHT = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_no_one_second_window_holds_more_than_the_limit():
    window, sent, t = SendWindow(3), [], 0.0
    for parts in [1, 2, 1, 1, 3, 1, 2, 2, 1, 1] * 5:
        t += window.wait(t, parts)
        window.record(t, parts)
        sent.append((t, parts))
    for start, _ in sent:
        assert sum(p for at, p in sent if start <= at < start + 1) <= 3


def test_a_text_longer_than_the_limit_goes_alone():
    window = SendWindow(3)
    window.record(0.0, 1)
    assert window.wait(0.2, 5) == pytest.approx(0.8)  # when the second is empty again
    assert window.wait(1.0, 5) == 0.0


def test_throttling_backs_off_growing_and_bounded():
    window = SendWindow(100)
    assert [window.throttled(0, n) for n in (0, 1, 2, 10)] == [0.5, 1.0, 2.0, 30.0]
    assert window.wait(0, 1) == 30.0


def test_urgent_before_routine_per_identity_in_arrival_order():
    lanes = Lanes()
    for n, (identity, urgent) in enumerate([("A", False), ("A", True), ("B", False), ("A", True)]):
        lanes.add(Waiting(identity, 1, urgent, n))
    order = []
    while (head := lanes.head("A")) is not None:
        lanes.pop(head)
        order.append(head.ref)
    assert order == [1, 3, 0] and lanes.head("B").ref == 2


def test_identity_kinds_and_their_default_rates():
    assert identity_kind("+18005550100") == "toll_free" and default_rate("+18335550100") == 3
    assert identity_kind("+13035550100") == "10dlc" and default_rate("+13035550100") == 1
    assert identity_kind("54321") == "short_code"
    assert default_rate("54321") == 100


def test_held_texts_spread_evenly_over_the_window_and_stably():
    offsets = [release_offset(f"booking_confirmation:apt_{n}", EIGHT, timedelta(minutes=60), None)
               for n in range(6000)]
    assert all(timedelta() <= o < timedelta(minutes=60) for o in offsets)
    per_ten_minutes = [sum(1 for o in offsets if k * 600 <= o.total_seconds() < (k + 1) * 600) for k in range(6)]
    assert all(800 <= n <= 1200 for n in per_ten_minutes), per_ten_minutes
    assert release_offset("reminder:apt_1", EIGHT, timedelta(minutes=60), None) == \
        release_offset("reminder:apt_1", EIGHT, timedelta(minutes=60), None)  # a replay picks the same moment


def test_a_text_about_a_visit_soon_after_quiet_hours_goes_early_enough():
    visit = EIGHT + timedelta(minutes=30)  # an 8:30 visit
    offsets = [release_offset(f"k{n}", EIGHT, timedelta(minutes=60), visit) for n in range(500)]
    assert max(offsets) < timedelta(minutes=15)
    assert release_offset("k", EIGHT, timedelta(minutes=60), EIGHT - timedelta(minutes=5)) == timedelta()



@pytest.mark.parametrize(("start", "end", "spread"), [
    (time(21, 0), time(8, 0), timedelta(minutes=60)),  # the default: the hour after 08:00
    (time(8, 30), time(8, 0), timedelta(minutes=25)),  # a half-hour day: over it less the sweep's margin
    (time(1, 0), time(5, 0), timedelta(minutes=60)),  # quiet hours within one day
    (time(8, 0), time(8, 0), timedelta(minutes=60)),  # never quiet
])
def test_the_release_is_spread_over_at_most_the_day_between_quiet_hours(start, end, spread):
    quiet = QuietHours(start, end)
    assert quiet.spread(timedelta(minutes=60)) == spread
    release = quiet.release_at(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), "UTC") if start > end else None
    for key in (f"k{n}" for n in range(200)):  # whatever its moment, a release is never in quiet hours again
        if release:
            moment = release + release_offset(key, release, quiet.spread(timedelta(minutes=60)), None)
            assert quiet.release_at(moment, "UTC") is None, moment
