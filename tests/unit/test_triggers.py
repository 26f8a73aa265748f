"""Which text each event triggers, under which key (domain/triggers.py), and when a text computed earlier is
no longer true: each scenario against the job as it is now (docs/product.md §4)."""
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.events import EtaChanged, JobStatusChanged, TechnicianArrived, TechnicianEnRoute
from chalicelib.domain.jobs import Job
from chalicelib.domain.status import AppointmentAction as AA
from chalicelib.domain.status import AppointmentStatus as S
from chalicelib.domain.status import JobStatus as J
from chalicelib.domain.triggers import Trigger, may_text, still_true, triggers
from chalicelib.domain.values import TimeFrame

NOW = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
WINDOW = TimeFrame(NOW + timedelta(days=2), NOW + timedelta(days=2, hours=2))
LATER = TimeFrame(NOW + timedelta(days=3), NOW + timedelta(days=3, hours=2))


def booked(technician: str | None = "usr_ana") -> Job:
    job = Job.create("org_1", "cus_1", "Leak", NOW)
    job.schedule(WINDOW, NOW, technician)
    return job


def status_changed(job: Job, previous, version: int = 4) -> JobStatusChanged:
    return JobStatusChanged("org_1", job.id, version, NOW, job, previous)


def test_the_feedback_request_names_the_last_finished_visit_and_is_keyed_by_the_job_alone():
    job = booked()
    second = job.schedule(LATER, NOW)
    job.change_appointment_status(job.appointments[0].id, AA.COMPLETE, NOW)
    job.change_appointment_status(second.id, AA.COMPLETE, NOW + timedelta(hours=1))
    assert triggers(status_changed(job, J.SCHEDULED, 7), job) == [
        Trigger("feedback_request", f"feedback_request:{job.id}", second.id, LATER)]  # never twice for one job


def test_a_company_cancel_names_the_last_canceled_visit_per_version_and_an_auto_cancel_says_nothing_here():
    job = booked()
    job.cancel("tech sick", NOW, offer_coupon=True)
    (visit,) = job.appointments
    assert triggers(status_changed(job, J.SCHEDULED, 5), job) == [
        Trigger("canceled", f"canceled:{job.id}:v5", visit.id, WINDOW)]
    auto = booked(technician=None)
    auto.cancel_appointment(auto.appointments[0].id, "unassigned", NOW, offer_coupon=True)
    assert auto.canceled_by == "system" and triggers(status_changed(auto, J.SCHEDULED), auto) == []


def test_a_booking_page_request_is_acknowledged_once_and_nothing_else_is():
    window = TimeFrame(NOW + timedelta(days=1), NOW + timedelta(days=1, hours=2))
    request = Job.create("org_1", "cus_1", "Leak", NOW, offered=True, channel="booking_page")
    request.offered_window = window
    assert may_text(status_changed(request, None))
    assert triggers(status_changed(request, None), request) == [
        Trigger("booking_received", f"booking_received:{request.id}", None, window)]
    for event, job in [
        (status_changed(request, J.NEW_OFFER), request),  # not a new job
        (status_changed(offer := Job.create("org_1", "cus_1", "x", NOW, offered=True, channel="provider"), None), offer),
        (status_changed(mine := Job.create("org_1", "cus_1", "x", NOW, channel="booking_page"), None), mine),
    ]:
        assert triggers(event, job) == [] and not may_text(event)


def test_en_route_and_arrived_are_keyed_by_the_visit_and_its_version():
    job = booked()
    visit = job.change_appointment_status(job.appointments[0].id, AA.EN_ROUTE, NOW, eta=WINDOW.start)
    assert triggers(TechnicianEnRoute("org_1", job.id, 3, NOW, visit, None), job) == [
        Trigger("en_route", f"en_route:{visit.id}:v3", visit.id, WINDOW)]
    visit = job.change_appointment_status(visit.id, AA.START, NOW)
    assert triggers(TechnicianArrived("org_1", job.id, 4, NOW, visit), job) == [
        Trigger("arrived", f"arrived:{visit.id}:v4", visit.id, WINDOW)]


def test_an_eta_at_the_windows_end_is_not_late_and_the_same_eta_again_is_no_news():
    job = booked()
    visit = job.appointments[0]
    visit.eta = WINDOW.end
    assert triggers(EtaChanged("org_1", job.id, 2, NOW, visit, None), job) == []
    visit.eta = WINDOW.end + timedelta(minutes=1)
    (delay,) = triggers(EtaChanged("org_1", job.id, 3, NOW, visit, None), job)
    assert delay == Trigger("delayed", f"delayed:{visit.id}:{visit.eta:%Y%m%dT%H%M}", visit.id, WINDOW)
    assert triggers(EtaChanged("org_1", job.id, 4, NOW, visit, visit.eta), job) == []


@pytest.mark.parametrize(("scenario", "true_when", "false_when"), [
    ("en_route", S.EN_ROUTE, S.STARTED), ("arrived", S.STARTED, S.EN_ROUTE), ("delayed", S.EN_ROUTE, S.STARTED),
    ("auto_canceled", S.CANCELED, S.SCHEDULED), ("still_assigning", S.SCHEDULED, S.CANCELED),
])
def test_a_visits_text_is_true_only_while_its_visit_is_as_the_text_says(scenario, true_when, false_when):
    job = booked(technician=None)
    visit = job.appointments[0]
    trigger = Trigger(scenario, "k", visit.id, WINDOW)
    visit.status = true_when
    assert still_true(trigger, job)
    visit.status = false_when
    assert not still_true(trigger, job)
    assert not still_true(Trigger(scenario, "k", "apt_gone", WINDOW), job)  # a visit no longer there


def test_still_assigning_is_not_true_once_assigned_or_moved():
    job = booked(technician=None)
    visit = job.appointments[0]
    assert still_true(Trigger("still_assigning", "k", visit.id, WINDOW), job)
    assert not still_true(Trigger("still_assigning", "k", visit.id, LATER), job)
    visit.technician_id = "usr_ana"
    assert not still_true(Trigger("still_assigning", "k", visit.id, WINDOW), job)


def test_job_texts_follow_the_jobs_status_and_a_booking_acknowledgement_is_always_true():
    job = booked()
    assert not still_true(Trigger("feedback_request", "k", None, None), job)
    assert not still_true(Trigger("canceled", "k", None, None), job)
    assert still_true(Trigger("booking_received", "k", None, None), job)
    job.cancel("r", NOW)
    assert still_true(Trigger("canceled", "k", None, None), job)
    assert not still_true(Trigger("auto_reply", "k", None, None), job)  # a scenario with no rule here: never late


def test_a_narrowed_window_is_keyed_by_itself_and_true_while_it_is_the_one_told_and_not_over():
    from copy import deepcopy

    from chalicelib.domain.events import ArrivalNarrowed, appointment_events
    from chalicelib.domain.scenarios import ScenarioName
    from chalicelib.domain.triggers import EXPECTED_PASSED, too_late
    job = booked()
    a = job.appointments[0]
    before = deepcopy(a)
    told = TimeFrame(WINDOW.start + timedelta(minutes=30), WINDOW.start + timedelta(minutes=90))
    job.narrow(a.id, told, NOW)
    (event,) = [e for e in appointment_events("org_1", before, a) if isinstance(e, ArrivalNarrowed)]
    (trigger,) = triggers(event, job)
    key = f"window_narrowed:{a.id}:{told.start:%Y%m%dT%H%M}-{told.end:%Y%m%dT%H%M}"
    assert trigger == Trigger("window_narrowed", key, a.id, told) and may_text(event)
    assert still_true(trigger, job) and too_late(trigger, job, told.end - timedelta(minutes=1)) is None
    assert too_late(trigger, job, told.end) == EXPECTED_PASSED
    assert too_late(Trigger(ScenarioName.WINDOW_NARROWED, "k", "apt_gone", told), job, told.end) == EXPECTED_PASSED
    job.narrow(a.id, TimeFrame(told.start + timedelta(hours=1), told.end + timedelta(hours=1)), NOW)
    assert not still_true(trigger, job)  # a later window superseded it
    job.narrow(a.id, told, NOW + timedelta(minutes=30))
    assert a.updated_at == job.updated_at == NOW + timedelta(minutes=30)  # a change the stream will see
    job.change_appointment_status(a.id, AA.EN_ROUTE, NOW + timedelta(minutes=40))
    assert still_true(trigger, job)
    job.change_appointment_status(a.id, AA.START, NOW)
    assert not still_true(trigger, job)  # there: nothing left to expect
    with pytest.raises(InvalidTransition) as refused:
        job.narrow(a.id, told, NOW + timedelta(hours=1))
    assert str(refused.value) == "cannot narrow the arrival window of a appointment that is started"
    assert refused.value.status is S.STARTED
