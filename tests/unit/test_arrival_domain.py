"""The narrowed arrival window's computation (domain/arrival.py): examples, then its promises for any clock,
arrival and booked window (Hypothesis): inside the booked window's day, never starting before now, the predicted
arrival inside it, at most an hour wide; and a new window is news only when an edge moves 30 minutes."""
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import arrival
from chalicelib.domain.values import TimeFrame

DENVER = "America/Denver"
MIN = timedelta(minutes=1)
DAY = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # Tue 1 Dec 2026, 00:00 in Denver
BOOKED = TimeFrame(DAY + timedelta(hours=10), DAY + timedelta(hours=14))  # 10am-2pm


def at(hours: float) -> datetime:
    return DAY + timedelta(hours=hours)


def test_the_day_is_the_booked_windows_local_calendar_day():
    assert arrival.day_of(BOOKED, DENVER) == TimeFrame(DAY, DAY + timedelta(days=1))
    late = TimeFrame(at(23), at(25))  # 11pm-1am: the day it starts on
    assert arrival.day_of(late, DENVER) == TimeFrame(DAY, DAY + timedelta(days=1))


def test_travel_from_the_distance_else_the_allowance():
    assert arrival.travel_time(None, timedelta(minutes=30)) == timedelta(minutes=30)
    assert arrival.travel_time(10.0, timedelta(minutes=30)) == timedelta(minutes=20)  # 10 km at 30 km/h
    assert arrival.travel_time(0.01, timedelta(minutes=30)) == timedelta(minutes=1)  # next door: a minute


def test_after_a_visit_the_technician_drives_over_and_waits_for_the_window():
    assert arrival.arrival_after_visit(BOOKED, at(10.5), timedelta(minutes=30)) == at(11)
    assert arrival.arrival_after_visit(BOOKED, at(8), timedelta(minutes=30)) == at(10)  # not before 10am


def test_on_the_way_the_eta_while_it_is_ahead_else_the_drive():
    assert arrival.arrival_on_the_way(at(10), at(10.75), timedelta(minutes=30)) == at(10.75)
    assert arrival.arrival_on_the_way(at(10), at(9.5), timedelta(minutes=30)) == at(10.5)  # an ETA gone by
    assert arrival.arrival_on_the_way(at(10), None, timedelta(minutes=30)) == at(10.5)
    assert arrival.arrival_on_the_way(at(10), at(10), timedelta(minutes=30)) == at(10.5)  # "now" is gone as it is read


def test_the_window_is_the_arrival_plus_or_minus_half_an_hour_cut_to_what_is_true():
    day = arrival.day_of(BOOKED, DENVER)
    assert arrival.expected_window(at(11), now=at(10.5), day=day) == TimeFrame(at(10.5), at(11.5))
    assert arrival.expected_window(at(11), now=at(10.75), day=day) == TimeFrame(at(10.75), at(11.5))  # not before now
    assert arrival.expected_window(at(10), now=at(8), day=day, not_before=at(10)) == TimeFrame(at(10), at(10.5))
    assert arrival.expected_window(at(23.75), now=at(23), day=day) == TimeFrame(at(23.25), at(24))  # the day's end
    assert arrival.expected_window(at(24.25), now=at(23.5), day=day) is None  # tomorrow: nothing true to say today
    assert arrival.expected_window(at(10), now=at(10.5), day=day) is None  # an arrival gone by
    assert arrival.expected_window(at(24), now=at(23.5), day=day) is None  # midnight is the next day's
    assert arrival.expected_window(at(1 / 6), now=at(-1 / 6), day=day) == TimeFrame(at(0), at(1 / 6 + 0.5))  # 00:00
    # a visit closed two days early (the dispatcher tidying up): the day has not come, nothing to narrow
    assert arrival.expected_window(at(10), now=at(-38), day=day, not_before=at(10)) is None
    assert arrival.expected_window(at(10), now=at(-0.75), day=day, not_before=at(10)) is None


def test_news_only_when_an_edge_moves_half_an_hour():
    told = TimeFrame(at(10.5), at(11.5))
    assert arrival.moved(None, told)
    assert not arrival.moved(told, told)
    assert not arrival.moved(told, TimeFrame(at(10.5) + 29 * MIN, at(11.5) + 29 * MIN))
    assert arrival.moved(told, TimeFrame(at(11), at(12)))
    assert arrival.moved(told, TimeFrame(at(10.5), at(11)))  # cut short by the day's end, or by now
    assert arrival.moved(told, TimeFrame(at(11), at(11.5)))  # the start alone, by exactly 30 minutes


def test_shown_while_the_technician_is_expected_and_the_window_not_over():
    from chalicelib.domain.jobs import Job
    from chalicelib.domain.status import AppointmentAction
    job = Job.create("org_1", "cus_1", "Leak", at(8))
    visit = job.schedule(BOOKED, at(8), "usr_ana")
    assert arrival.shown(visit, at(10)) is None  # nothing told yet
    told = TimeFrame(at(10.5), at(11.5))
    job.narrow(visit.id, told, at(10))
    assert arrival.shown(visit, at(10)) == told and arrival.shown(visit, at(11.5) - MIN) == told
    assert arrival.shown(visit, at(11.5)) is None  # over
    job.change_appointment_status(visit.id, AppointmentAction.EN_ROUTE, at(10.75))
    assert arrival.shown(visit, at(11)) == told
    job.change_appointment_status(visit.id, AppointmentAction.START, at(11))
    assert arrival.shown(visit, at(11)) is None  # there


def test_moving_or_reassigning_the_visit_forgets_the_window_and_a_change_of_nothing_keeps_it():
    from chalicelib.domain.jobs import Job
    job = Job.create("org_1", "cus_1", "Leak", at(8))
    visit = job.schedule(BOOKED, at(8), "usr_ana")
    told = TimeFrame(at(10.5), at(11.5))
    job.narrow(visit.id, told, at(10))
    job.reschedule(visit.id, at(10), window=BOOKED, technician_id="usr_ana", assign=True)  # the same: kept
    assert visit.expected == told
    job.reschedule(visit.id, at(10), technician_id="usr_ben", assign=True)
    assert visit.expected is None
    job.narrow(visit.id, told, at(10))
    job.reschedule(visit.id, at(10), window=TimeFrame(at(12), at(14)))
    assert visit.expected is None


moments = st.integers(min_value=0, max_value=3 * 24 * 60).map(lambda m: DAY - timedelta(days=1) + m * MIN)
zones = st.sampled_from(["America/Denver", "America/New_York", "Europe/London", "Pacific/Auckland", "UTC"])


@st.composite
def booked_windows(draw):
    start = draw(moments)
    return TimeFrame(start, start + draw(st.integers(min_value=30, max_value=8 * 60)) * MIN)


@given(booked=booked_windows(), now=moments, travel=st.integers(min_value=0, max_value=240), zone=zones,
       waits=st.booleans(), eta=st.none() | moments)
def test_a_window_told_is_inside_the_day_never_before_now_and_holds_the_arrival(booked, now, travel, zone, waits, eta):
    drive = travel * MIN
    expected = (arrival.arrival_after_visit(booked, now, drive) if waits
                else arrival.arrival_on_the_way(now, eta, drive))
    day = arrival.day_of(booked, zone)
    window = arrival.expected_window(expected, now=now, day=day, not_before=booked.start if waits else None)
    if window is None:
        # only when the arrival itself falls outside the day, or the day has not come
        assert not day.start <= expected < day.end or now < day.start - arrival.HALF_WIDTH
        return
    assert day.start <= window.start < window.end <= day.end
    assert window.start >= now and window.start <= expected <= window.end
    assert window.end - window.start <= 2 * arrival.HALF_WIDTH
    if waits:
        assert window.start >= booked.start


@given(start=moments, width=st.integers(min_value=1, max_value=120), shift=st.integers(min_value=-120, max_value=120),
       stretch=st.integers(min_value=-60, max_value=60))
def test_a_new_window_is_news_exactly_when_an_edge_moves_thirty_minutes(start, width, shift, stretch):
    told = TimeFrame(start, start + width * MIN)
    new_end = told.end + (shift + stretch) * MIN
    new = TimeFrame(told.start + shift * MIN, max(new_end, told.start + shift * MIN + MIN))
    edges = max(abs(new.start - told.start), abs(new.end - told.end))
    assert arrival.moved(told, new) == (edges >= timedelta(minutes=30))
    assert arrival.moved(told, new) == arrival.moved(new, told)
