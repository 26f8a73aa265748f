"""Time frames (seed 001's STF page): generated from working hours across daylight-saving changes,
withdrawn behind a chosen or declined one, never full, soonest first."""
from datetime import UTC, datetime, time

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.frames import FrameSettings, Withdrawn, available, count_booked, generate
from chalicelib.domain.values import TimeFrame

DENVER = "America/Denver"


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def frame(start: str, end: str) -> TimeFrame:
    return TimeFrame(z(start), z(end))


def test_frames_keep_their_wall_clock_hours_across_the_autumn_change():
    """US clocks go back on Sunday 1 November 2026: 8-10am is 14:00Z on Saturday and 15:00Z on Sunday."""
    settings = FrameSettings(days=("sat", "sun", "mon"), start=time(8), end=time(12), frame_minutes=120,
                             days_ahead=2, frames_per_day=5)
    frames = generate(settings, DENVER, z("2026-10-31T12:00:00Z"))  # Saturday 6am MDT
    assert frames == [
        frame("2026-10-31T14:00:00Z", "2026-10-31T16:00:00Z"), frame("2026-10-31T16:00:00Z", "2026-10-31T18:00:00Z"),
        frame("2026-11-01T15:00:00Z", "2026-11-01T17:00:00Z"), frame("2026-11-01T17:00:00Z", "2026-11-01T19:00:00Z"),
        frame("2026-11-02T15:00:00Z", "2026-11-02T17:00:00Z"), frame("2026-11-02T17:00:00Z", "2026-11-02T19:00:00Z"),
    ]


def test_a_frame_starting_in_the_hour_skipped_in_spring_is_left_out():
    """8 March 2026, Denver: 2:00 does not exist. 1-2am ends at 3am MDT (09:00Z); 2-3am is not offered."""
    settings = FrameSettings(days=("sun",), start=time(1), end=time(5), frame_minutes=60, days_ahead=7,
                             frames_per_day=4)
    frames = generate(settings, DENVER, z("2026-03-07T12:00:00Z"))
    assert frames == [frame("2026-03-08T08:00:00Z", "2026-03-08T09:00:00Z"),
                      frame("2026-03-08T09:00:00Z", "2026-03-08T10:00:00Z"),
                      frame("2026-03-08T10:00:00Z", "2026-03-08T11:00:00Z")]


def test_generation_respects_days_frames_per_day_and_what_has_begun():
    settings = FrameSettings(days=("tue", "wed"), start=time(8), end=time(18), frame_minutes=120, days_ahead=1,
                             frames_per_day=3)
    # Tuesday 1 December 2026, 10:00 Denver: 8-10am has begun; 10-12 starts now (not offered); 12-2pm remains.
    frames = generate(settings, DENVER, z("2026-12-01T17:00:00Z"))
    assert frames == [frame("2026-12-01T19:00:00Z", "2026-12-01T21:00:00Z"),
                      frame("2026-12-02T15:00:00Z", "2026-12-02T17:00:00Z"),
                      frame("2026-12-02T17:00:00Z", "2026-12-02T19:00:00Z"),
                      frame("2026-12-02T19:00:00Z", "2026-12-02T21:00:00Z")]


def test_frames_behind_the_chosen_one_are_withdrawn():
    now = z("2026-12-01T17:00:00Z")
    a, b, c = (frame("2026-12-02T15:00:00Z", "2026-12-02T17:00:00Z"), frame("2026-12-02T17:00:00Z", "2026-12-02T19:00:00Z"),
               frame("2026-12-03T15:00:00Z", "2026-12-03T17:00:00Z"))
    withdrawn = Withdrawn().after_pick(b)
    shown = available([c, a, b], now=now, current=b, withdrawn=withdrawn, booked=count_booked([], []), capacity=1)
    assert shown == [c]  # a is behind the chosen b; b is the visit's own window now
    # A later pick further on moves the line forward, never back.
    assert Withdrawn().after_pick(c).after_pick(a).through == c.start


def test_declined_frames_and_those_before_them_are_withdrawn():
    now = z("2026-12-01T17:00:00Z")
    a, b, c = (frame("2026-12-02T15:00:00Z", "2026-12-02T17:00:00Z"), frame("2026-12-02T17:00:00Z", "2026-12-02T19:00:00Z"),
               frame("2026-12-03T15:00:00Z", "2026-12-03T17:00:00Z"))
    withdrawn = Withdrawn().after_decline([b])
    assert available([a, b, c], now=now, current=None, withdrawn=withdrawn, booked=count_booked([], []),
                     capacity=1) == [c]
    assert Withdrawn().after_decline([]) == Withdrawn()


def test_full_frames_are_not_shown_and_the_list_is_soonest_first():
    now = z("2026-12-01T17:00:00Z")
    a, b = frame("2026-12-02T15:00:00Z", "2026-12-02T17:00:00Z"), frame("2026-12-02T17:00:00Z", "2026-12-02T19:00:00Z")
    booked = count_booked([a, b], [frame("2026-12-02T15:30:00Z", "2026-12-02T16:30:00Z"), a])
    assert booked.counts == {a.start: 2, b.start: 0}
    assert available([b, a], now=now, current=None, withdrawn=Withdrawn(), booked=booked, capacity=2) == [b]
    assert available([b, a], now=now, current=None, withdrawn=Withdrawn(), booked=booked, capacity=3) == [a, b]


@pytest.mark.parametrize("body, field", [
    ({"days": ["monday"]}, "days"), ({"days": []}, "days"), ({"hours": {"start": "18:00", "end": "08:00"}}, "hours.end"),
    ({"hours": {"start": "8am", "end": "18:00"}}, "hours.start"), ({"frame_minutes": 0}, "frame_minutes"),
    ({"visits_per_frame": True}, "visits_per_frame"), ({"days_ahead": 365}, "days_ahead"),
    ({"hours": {"start": "08:00", "end": "09:00"}, "frame_minutes": 120}, "frame_minutes"),
    ({"colour": "red"}, "colour"), ({"generate": "yes"}, "generate"),
])
def test_bad_settings_name_the_field(body, field):
    with pytest.raises(ValidationError) as raised:
        FrameSettings.parse(body)
    assert raised.value.field == field


def test_settings_round_trip():
    body = {"days": ["sat", "mon"], "hours": {"start": "07:30", "end": "16:30"}, "frame_minutes": 180,
            "days_ahead": 10, "frames_per_day": 3, "visits_per_frame": 4, "generate": False}
    assert FrameSettings.parse(body).as_json() == {**body, "days": ["mon", "sat"]}
