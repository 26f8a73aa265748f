"""Segments, time formatting, quiet hours, templates and triggers: pure functions, no AWS."""
from datetime import UTC, datetime, time, timedelta

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

UTC = UTC


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
        (appointment(), appointment(status=S.EN_ROUTE, eta=late), 1),  # on the way, already late: the apology
        (appointment(status=S.EN_ROUTE), appointment(status=S.EN_ROUTE, eta=late - timedelta(hours=2)), 0),
    ]
    for old, new, delayed in cases:
        events = appointment_events("o", old, new)
        found = {t.key for e in events for t in triggers(e, job) if t.scenario == "delayed"}  # one key, one text
        assert len(found) == delayed, (old.eta, new.eta, [type(e).__name__ for e in events])
        assert all(isinstance(e, EtaChanged) for e in events if "Eta" in type(e).__name__)


def test_going_en_route_past_the_window_sends_the_apology_instead_of_the_plain_en_route_text():
    from chalicelib.domain.jobs import Job
    from chalicelib.domain.status import AppointmentStatus as S
    job = Job.create("o", "c", "d", datetime(2026, 12, 1, tzinfo=UTC))
    late = datetime(2026, 12, 3, 19, tzinfo=UTC)
    events = appointment_events("o", appointment(), appointment(status=S.EN_ROUTE, eta=late))
    assert {(t.scenario, t.key) for e in events for t in triggers(e, job)} == {
        ("delayed", "delayed:apt_1_a:20261203T1900")}
    on_time = appointment_events("o", appointment(), appointment(status=S.EN_ROUTE, eta=late - timedelta(hours=2)))
    assert {t.scenario for e in on_time for t in triggers(e, job)} == {"en_route"}
    # Already told of that late ETA before setting off: now the plain "on the way", no second apology.
    told = appointment_events("o", appointment(eta=late), appointment(status=S.EN_ROUTE, eta=late))
    assert {t.scenario for e in told for t in triggers(e, job)} == {"en_route"}


def test_a_text_for_before_the_visit_is_not_true_once_the_window_has_started():
    from chalicelib.domain.jobs import Job
    from chalicelib.domain.triggers import SUPERSEDED, WINDOW_STARTED, Trigger, why_not_now
    a = appointment(technician_id=None)
    job = Job.create("o", "c", "d", datetime(2026, 12, 1, tzinfo=UTC))
    job.appointments.append(a)
    for scenario in ("booking_confirmation", "reminder", "still_assigning"):
        trigger = Trigger(scenario, "k", a.id, a.window)
        assert why_not_now(trigger, job, a.window.start - timedelta(minutes=1)) is None
        assert why_not_now(trigger, job, a.window.start) == WINDOW_STARTED
        assert why_not_now(trigger, job, a.window.end + timedelta(days=1)) == WINDOW_STARTED
    moved = Trigger("reminder", "k", a.id, TimeFrame(a.window.start - timedelta(days=1), a.window.start))
    assert why_not_now(moved, job, a.window.start - timedelta(days=2)) == SUPERSEDED


def test_the_delayed_text_never_says_none_and_says_in_words_what_is_not_known():
    delayed = DEFAULTS["delayed"].template
    with_eta = render(delayed, SAMPLE)
    assert "New ETA 11:45am. Track: http" in with_eta
    not_left = render(delayed, {**SAMPLE, "eta": None, "on_the_way": False})
    assert "we will text you when they are on the way" in not_left and "None" not in not_left
    driving = render(delayed, {**SAMPLE, "eta": None, "on_the_way": True})
    assert "will be with you soon" in driving and "ETA" not in driving and "None" not in driving


def test_template_check_counts_the_longest_branch():
    long_without_eta = "{% if eta %}short{% else %}" + "x" * 200 + "{% endif %}"
    assert check(DEFAULTS["en_route"], long_without_eta).segments == 2


def test_the_voice_message_says_the_day_and_time_in_the_customer_zone():
    start = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)  # Thu 3 Dec, 6pm in Denver; already Friday in UTC
    assert timefmt.spoken_window(start, start + timedelta(hours=2), "America/Denver") == \
        "Thursday 3 December, between 6 and 8pm"
    assert timefmt.spoken_window(start - timedelta(hours=9), start + timedelta(hours=2), "America/Denver") == \
        "Thursday 3 December, between 9am and 8pm"
