"""Derived timers: what an appointment should have, at the right local time across daylight saving."""
from datetime import UTC, datetime, timedelta

from chalicelib.domain.jobs import Appointment
from chalicelib.domain.status import AppointmentStatus
from chalicelib.domain.timers import TimerKind, TimerPolicy, before, derived_timers
from chalicelib.domain.values import TimeFrame

UTC = UTC
DENVER = "America/Denver"


def appointment(start: datetime, booked: datetime, **changes) -> Appointment:
    return Appointment(id="apt_1_a", job_id="job_1", window=TimeFrame(start, start + timedelta(hours=2)),
                       created_at=booked, updated_at=booked, **changes)


def test_a_window_after_the_clocks_go_back_is_reminded_at_the_same_local_time_the_day_before():
    # Sunday 1 Nov 2026, 9am MST (16:00Z); clocks went back at 2am that night.
    start = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)
    due = derived_timers(appointment(start, start - timedelta(days=5), technician_id="usr_t"), DENVER,
                         TimerPolicy())[TimerKind.REMINDER]
    assert due == datetime(2026, 10, 31, 15, 0, tzinfo=UTC)  # Saturday 9am MDT: 25 real hours before
    assert start - due == timedelta(hours=25)


def test_a_window_after_the_clocks_go_forward_is_reminded_23_hours_before():
    start = datetime(2026, 3, 8, 15, 0, tzinfo=UTC)  # Sunday 8 Mar 2026, 9am MDT
    assert before(start, timedelta(hours=24), DENVER) == datetime(2026, 3, 7, 16, 0, tzinfo=UTC)  # 9am MST


def test_an_unassigned_visit_is_settled_by_its_auto_cancel_and_an_assigned_one_by_its_delay_check():
    start = datetime(2026, 12, 3, 16, tzinfo=UTC)
    timers = derived_timers(appointment(start, start - timedelta(days=3)), DENVER, TimerPolicy())
    assert timers == {TimerKind.REMINDER: start - timedelta(hours=24),
                      TimerKind.STILL_ASSIGNING: start - timedelta(hours=3),
                      TimerKind.AUTO_CANCEL: start - timedelta(hours=1)}
    assigned = derived_timers(appointment(start, start - timedelta(days=3), technician_id="usr_t"), DENVER,
                              TimerPolicy())
    assert set(assigned) == {TimerKind.REMINDER, TimerKind.DELAY_CHECK}


def test_booked_inside_the_lead_time_gets_no_reminder_and_no_auto_cancel():
    start = datetime(2026, 12, 3, 16, tzinfo=UTC)
    timers = derived_timers(appointment(start, start - timedelta(minutes=30)), DENVER, TimerPolicy())
    assert set(timers) == {TimerKind.DELAY_CHECK}


def test_en_route_keeps_only_the_delay_check_and_started_or_closed_have_none():
    start = datetime(2026, 12, 3, 16, tzinfo=UTC)
    booked = start - timedelta(days=3)
    assert set(derived_timers(appointment(start, booked, status=AppointmentStatus.EN_ROUTE), DENVER,
                              TimerPolicy())) == {TimerKind.DELAY_CHECK}
    for status in (AppointmentStatus.STARTED, AppointmentStatus.COMPLETE, AppointmentStatus.CANCELED,
                   AppointmentStatus.PAUSED):
        assert derived_timers(appointment(start, booked, status=status), DENVER, TimerPolicy()) == {}


def test_an_organization_lead_time_and_a_scenario_turned_off():
    start = datetime(2026, 12, 3, 16, tzinfo=UTC)
    policy = TimerPolicy(reminder=timedelta(hours=48), still_assigning=None)
    timers = derived_timers(appointment(start, start - timedelta(days=5)), DENVER, policy)
    assert timers[TimerKind.REMINDER] == start - timedelta(hours=48)
    assert TimerKind.STILL_ASSIGNING not in timers and TimerKind.AUTO_CANCEL in timers
