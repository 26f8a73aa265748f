"""The pacing rules (domain/pacing.py): the one-second send window, the lanes' order, the release spread."""
from datetime import UTC, datetime, time, timedelta

import pytest

from chalicelib.domain.pacing import (
    Lanes,
    SendWindow,
    Waiting,
    default_rate,
    identity_kind,
    is_urgent,
    release_offset,
)
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



def on_1_dec(at: time) -> datetime:
    return datetime.combine(datetime(2026, 12, 1).date(), at, UTC)


@pytest.mark.parametrize(("start", "end", "spread", "release"), [
    (time(21, 0), time(8, 0), timedelta(minutes=60), datetime(2026, 12, 2, 8, 0, tzinfo=UTC)),  # the default
    # a half-hour day: over it less the sweep's margin, never into the night
    (time(8, 30), time(8, 0), timedelta(minutes=25), datetime(2026, 12, 2, 8, 0, tzinfo=UTC)),
    (time(1, 0), time(5, 0), timedelta(minutes=60), datetime(2026, 12, 1, 5, 0, tzinfo=UTC)),  # within one day
])
def test_the_release_is_spread_over_at_most_the_day_between_quiet_hours(start, end, spread, release):
    quiet = QuietHours(start, end)
    assert quiet.spread(timedelta(minutes=60)) == spread
    written = on_1_dec(start) + timedelta(minutes=1)  # a text written just after quiet hours began
    assert quiet.release_at(written, "UTC") == release
    moments = {quiet.release_moment(written, "UTC", f"k{n}", timedelta(minutes=60), None) for n in range(200)}
    assert all(release <= m < release + spread for m in moments) and len(moments) > 100
    for moment in moments:  # whatever its moment, a release is never in quiet hours again
        assert quiet.release_at(moment, "UTC") is None, moment


def test_quiet_hours_that_start_where_they_end_never_hold_a_text():
    quiet = QuietHours(time(8, 0), time(8, 0))
    assert quiet.spread(timedelta(minutes=60)) == timedelta(minutes=60)
    for hour in range(24):
        written = on_1_dec(time(hour, 30))
        assert quiet.release_at(written, "UTC") is None
        assert quiet.release_moment(written, "UTC", "k", timedelta(minutes=60), None) is None


@pytest.mark.parametrize(("identity", "kind"), [
    ("12345", "short_code"), ("123456", "short_code"), ("+123456", "short_code"), ("1234567", "sender_id"),
    ("+18445550100", "toll_free"), ("+14155550100", "10dlc"), ("ACME", "sender_id"), ("+1ACME", "sender_id"),
    ("XX1234", "sender_id"),  # an alphanumeric sender id ending in digits is no short code
])
def test_an_identitys_kind_is_read_from_its_form(identity, kind):
    assert identity_kind(identity) == kind
    assert default_rate(identity) == {"short_code": 100, "toll_free": 3, "10dlc": 1, "sender_id": 10}[kind]


def test_the_routine_scenarios_wait_and_everything_else_is_urgent():
    for routine in ("booking_confirmation", "reminder", "feedback_request", "canceled", "booking_received"):
        assert not is_urgent(routine)
    for urgent in ("en_route", "delayed", "arrived", "still_assigning", "auto_canceled", "auto_reply", None):
        assert is_urgent(urgent)


def test_a_send_exactly_one_second_old_has_left_the_window_and_one_younger_has_not():
    window = SendWindow(2)
    window.record(0.0, 1)
    window.record(0.5, 1)
    assert window.wait(1.0, 1) == 0.0  # the send at 0.0 is a whole second old
    assert window.wait(1.2, 2) == pytest.approx(0.3)  # room for two once the send at 0.5 leaves, at 1.5
    window = SendWindow(2)
    window.record(0.0, 1)
    assert window.wait(0.9, 1) == 0.0  # filling the window exactly is allowed
    window.record(0.9, 1)
    assert window.wait(1.5, 1) == 0.0 and window.wait(1.5, 2) == pytest.approx(0.4)


def test_a_long_text_waits_until_enough_of_the_window_has_left_not_just_its_oldest_send():
    window = SendWindow(3)
    window.record(0.0, 2)
    window.record(0.5, 2)
    assert window.wait(0.6, 2) == pytest.approx(0.9)  # both sends must leave: at 1.5


def test_a_paused_identity_waits_out_its_pause_from_now():
    window = SendWindow(100)
    window.throttled(10.0, 2)  # 2 s
    assert window.wait(11.5, 1) == pytest.approx(0.5) and window.wait(12.0, 1) == 0.0


def test_the_lanes_count_every_waiting_text_put_a_retry_first_and_name_the_identities_with_work():
    lanes = Lanes()
    assert len(lanes) == 0 and lanes.identities() == [] and lanes.waiting() == []
    items = [Waiting("A", 1, False, "a1"), Waiting("A", 1, True, "a2"), Waiting("B", 2, False, "b1"),
             Waiting("B", 1, True, "b2"), Waiting("B", 1, True, "b3")]
    for item in items:
        lanes.add(item)
    assert len(lanes) == 5 and sorted(lanes.identities()) == ["A", "B"]
    assert [w.ref for w in lanes.waiting()] == ["a2", "b2", "b3", "a1", "b1"]  # urgent lanes first
    retry = Waiting("B", 1, True, "b0")
    lanes.add(retry, front=True)  # a text the provider throttled goes back to the head of its lane
    assert lanes.head("B") is retry and len(lanes) == 6
    for ref in ("b0", "b2", "b3", "b1"):
        head = lanes.head("B")
        assert head.ref == ref
        lanes.pop(head)
    assert lanes.identities() == ["A"] and len(lanes) == 2 and lanes.head("B") is None


def test_a_release_goes_within_the_first_half_of_the_time_left_before_the_visit():
    visit = EIGHT + timedelta(minutes=40)
    offsets = [release_offset(f"k{n}", EIGHT, timedelta(minutes=60), visit) for n in range(2000)]
    assert max(offsets) < timedelta(minutes=20) and max(offsets) >= timedelta(minutes=19)
    assert release_offset("k", EIGHT, timedelta(minutes=60), EIGHT + timedelta(seconds=3)) == timedelta()  # 1 s room
    assert {release_offset(f"k{n}", EIGHT, timedelta(seconds=2), None) for n in range(50)} == {
        timedelta(), timedelta(seconds=1)}
