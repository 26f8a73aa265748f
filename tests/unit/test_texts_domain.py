"""Segments, time formatting, quiet hours, templates and triggers: pure functions, no AWS."""
from datetime import datetime, time, timedelta, timezone

import pytest

from chalicelib.domain import timefmt
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.events import EtaChanged, appointment_events
from chalicelib.domain.jobs import Appointment
from chalicelib.domain.scenarios import DEFAULTS, QuietHours
from chalicelib.domain.segments import count
from chalicelib.domain.triggers import triggers
from chalicelib.domain.values import TimeFrame
from chalicelib.notify.templates import SAMPLE, check, render

UTC = timezone.utc


@pytest.mark.parametrize("text,encoding,segments", [
    ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2), ("a" * 307, "GSM-7", 3),
    ("€" * 80, "GSM-7", 1), ("€" * 81, "GSM-7", 2),  # extension characters take two septets
    ("ü" * 70, "GSM-7", 1), ("é" * 160, "GSM-7", 1),
    ("ç" * 70, "UCS-2", 1), ("ç" * 71, "UCS-2", 2), ("–" + "a" * 66, "UCS-2", 1), ("😀" * 35, "UCS-2", 1),
    ("😀" * 36, "UCS-2", 2), ("", "GSM-7", 1),
])
def test_segment_counting(text, encoding, segments):
    result = count(text)
    assert (result.encoding, result.segments) == (encoding, segments)


def test_every_default_template_fits_one_gsm7_segment_with_realistic_values():
    assert len(SAMPLE["technician"]) == 20 and len(SAMPLE["customer_name"]) > 30
    for name, scenario in DEFAULTS.items():
        size = check(scenario, scenario.template)
        assert (size.encoding, size.segments) == ("GSM-7", 1), (name, render(scenario.template, SAMPLE))


def test_templates_refuse_unknown_variables_and_bad_syntax():
    en_route = DEFAULTS["en_route"]
    with pytest.raises(ValidationError, match="unknown variable"):
        check(en_route, "{{ coupon_code }}")  # a variable of another scenario
    with pytest.raises(ValidationError, match="syntax"):
        check(en_route, "{{ company ")


def test_windows_and_times_read_the_customer_way():
    start = datetime(2026, 12, 3, 16, tzinfo=UTC)
    assert timefmt.window(start, start + timedelta(hours=2), "America/Denver") == "Thu 3 Dec, 9-11am"
    assert timefmt.window(start + timedelta(hours=2), start + timedelta(hours=5, minutes=30),
                          "America/Denver") == "Thu 3 Dec, 11am-2:30pm"
    assert timefmt.window(start, start + timedelta(hours=2), "Europe/Paris") == "Thu 3 Dec, 5-7pm"
    assert timefmt.clock_time(datetime(2026, 7, 1, 18, 45, tzinfo=UTC), "America/Denver") == "12:45pm"  # MDT


@pytest.mark.parametrize("local,release", [
    ("21:00", "08:00"), ("23:59", "08:00"), ("03:00", "08:00"), ("07:59", "08:00"), ("08:00", None),
    ("12:00", None), ("20:59", None),
])
def test_quiet_hours_release_at_the_end_in_the_customer_zone(local, release):
    from zoneinfo import ZoneInfo
    tz = "America/Denver"
    h, m = map(int, local.split(":"))
    moment = datetime(2026, 12, 1, h, m, tzinfo=ZoneInfo(tz))
    got = QuietHours().release_at(moment, tz)
    if release is None:
        assert got is None
    else:
        local_release = got.astimezone(ZoneInfo(tz))
        assert local_release.strftime("%H:%M") == release and local_release > moment
        assert local_release - moment < timedelta(hours=12)


def test_quiet_hours_inside_one_day_and_across_dst():
    daytime = QuietHours(time(12, 0), time(13, 0))
    assert daytime.release_at(datetime(2026, 12, 1, 19, 30, tzinfo=UTC), "America/Denver") is not None
    # The night the clocks go back (Denver, 1 Nov 2026): still released at 08:00 local, 11 hours later.
    night = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 22:00 MDT on 31 Oct
    assert QuietHours().release_at(night, "America/Denver") == datetime(2026, 11, 1, 15, 0, tzinfo=UTC)


def appointment(**changes) -> Appointment:
    start = datetime(2026, 12, 3, 16, tzinfo=UTC)
    base = dict(id="apt_1_a", job_id="job_1", window=TimeFrame(start, start + timedelta(hours=2)),
                created_at=start, updated_at=start, version=2, technician_id="usr_t")
    return Appointment(**{**base, **changes})


def test_eta_past_the_window_is_a_delay_once_per_later_eta():
    from chalicelib.domain.jobs import Job
    from chalicelib.domain.status import AppointmentStatus as S
    job = Job.create("o", "c", "d", datetime(2026, 12, 1, tzinfo=UTC))
    late = datetime(2026, 12, 3, 19, tzinfo=UTC)
    cases = [
        (appointment(status=S.EN_ROUTE, eta=late - timedelta(hours=2)), appointment(status=S.EN_ROUTE, eta=late), 1),
        (appointment(status=S.EN_ROUTE, eta=late), appointment(status=S.EN_ROUTE, eta=late - timedelta(minutes=30)), 0),
        (appointment(), appointment(eta=late), 1),  # late before even leaving
        (appointment(), appointment(status=S.EN_ROUTE, eta=late), 0),  # the en route text carries the ETA
        (appointment(status=S.EN_ROUTE), appointment(status=S.EN_ROUTE, eta=late - timedelta(hours=2)), 0),
    ]
    for old, new, delayed in cases:
        events = appointment_events("o", old, new)
        found = [t for e in events for t in triggers(e, job) if t.scenario == "delayed"]
        assert len(found) == delayed, (old.eta, new.eta, [type(e).__name__ for e in events])
        assert all(isinstance(e, EtaChanged) for e in events if "Eta" in type(e).__name__)
