"""docs/product.md §3: every row of the status table works; every other (status, action) is refused."""
import copy
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import InvalidTransition, ValidationError
from chalicelib.domain.jobs import Job
from chalicelib.domain.status import (
    APPOINTMENT_TRANSITIONS,
    JOB_TRANSITIONS,
    AppointmentAction,
    AppointmentStatus,
    JobAction,
    JobStatus,
    next_appointment_status,
    next_job_status,
)
from chalicelib.domain.values import TimeFrame

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
WINDOW = TimeFrame(NOW + timedelta(hours=2), NOW + timedelta(hours=4))
J, S, AA = JobStatus, AppointmentStatus, AppointmentAction


def job_in(status: JobStatus) -> Job:
    """A job brought to `status` through the aggregate's own operations."""
    job = Job.create("org_1", "cus_1", "Replace water heater", NOW, offered=status in (J.NEW_OFFER, J.DECLINED))
    if status is J.DECLINED:
        job.decline(NOW)
    if status in (J.NEW_OFFER, J.UNSCHEDULED, J.DECLINED):
        return job
    appointment = job.schedule(WINDOW, NOW, "usr_tech")
    steps = {J.SCHEDULED: [], J.IN_PROGRESS: [AA.EN_ROUTE], J.PAUSED: [AA.START, AA.PAUSE],
             J.COMPLETE: [AA.COMPLETE]}
    if status is J.CANCELED:
        job.cancel("customer moved", NOW)
    for action in steps.get(status, []):
        job.change_appointment_status(appointment.id, action, NOW)
    assert job.status is status
    return job


# -- the tables themselves ------------------------------------------------------------------------

@pytest.mark.parametrize("status", list(JobStatus))
@pytest.mark.parametrize("action", list(JobAction))
def test_job_table_refuses_every_pair_it_does_not_list(status, action):
    if (status, action) in JOB_TRANSITIONS:
        assert next_job_status(status, action) is JOB_TRANSITIONS[(status, action)]
    else:
        with pytest.raises(InvalidTransition):
            next_job_status(status, action)


@pytest.mark.parametrize("status", list(AppointmentStatus))
@pytest.mark.parametrize("action", list(AppointmentAction))
def test_appointment_table_refuses_every_pair_it_does_not_list(status, action):
    if (status, action) in APPOINTMENT_TRANSITIONS:
        assert next_appointment_status(status, action) is APPOINTMENT_TRANSITIONS[(status, action)]
    else:
        with pytest.raises(InvalidTransition):
            next_appointment_status(status, action)


def test_the_table_is_product_md_section_3():
    assert {(s.value, a.value, t.value) for (s, a), t in JOB_TRANSITIONS.items()} == {
        ("new_offer", "accept", "unscheduled"), ("new_offer", "decline", "declined"),
        ("unscheduled", "add_appointment", "scheduled"), ("scheduled", "add_appointment", "scheduled"),
        ("scheduled", "delete_last_appointment", "unscheduled"), ("scheduled", "en_route", "in_progress"),
        ("scheduled", "start", "in_progress"), ("scheduled", "complete", "complete"),
        ("scheduled", "cancel", "canceled"), ("in_progress", "complete", "complete"),
        ("in_progress", "pause", "paused"), ("paused", "add_appointment", "scheduled"),
        ("paused", "cancel", "canceled"), ("complete", "add_appointment", "scheduled"),
        ("canceled", "add_appointment", "scheduled"),
    }


# -- every row through the aggregate ----------------------------------------------------------------

def test_create_without_appointment_is_unscheduled_and_offer_is_new_offer():
    assert Job.create("o", "c", "d", NOW).status is J.UNSCHEDULED
    assert Job.create("o", "c", "d", NOW, offered=True).status is J.NEW_OFFER


def test_new_offer_accept_and_decline():
    job = job_in(J.NEW_OFFER)
    job.accept(NOW)
    assert job.status is J.UNSCHEDULED
    job = job_in(J.NEW_OFFER)
    job.decline(NOW)
    assert job.status is J.DECLINED


@pytest.mark.parametrize("status", [J.UNSCHEDULED, J.SCHEDULED, J.PAUSED, J.COMPLETE, J.CANCELED])
def test_new_appointment_schedules_the_job(status):
    job = job_in(status)
    appointment = job.schedule(WINDOW, NOW)
    assert job.status is J.SCHEDULED and appointment.status is S.SCHEDULED
    assert appointment.technician_id is None and appointment.id in job.touched


def test_deleting_the_last_appointment_unschedules_but_not_while_another_remains():
    job = job_in(J.SCHEDULED)
    second = job.schedule(WINDOW, NOW)
    job.delete_appointment(second.id, NOW)
    assert job.status is J.SCHEDULED
    job.delete_appointment(job.appointments[0].id, NOW)
    assert job.status is J.UNSCHEDULED and job.appointments == [] and len(job.removed) == 2


@pytest.mark.parametrize("action,appointment_status", [(AA.EN_ROUTE, S.EN_ROUTE), (AA.START, S.STARTED)])
def test_scheduled_en_route_or_start_is_in_progress(action, appointment_status):
    job = job_in(J.SCHEDULED)
    appointment = job.change_appointment_status(job.appointments[0].id, action, NOW)
    assert job.status is J.IN_PROGRESS and appointment.status is appointment_status


def test_start_after_en_route_stays_in_progress():
    job = job_in(J.IN_PROGRESS)
    appointment = job.change_appointment_status(job.appointments[0].id, AA.START, NOW)
    assert job.status is J.IN_PROGRESS and appointment.status is S.STARTED


@pytest.mark.parametrize("status", [J.SCHEDULED, J.IN_PROGRESS])
def test_complete(status):
    job = job_in(status)
    job.change_appointment_status(job.appointments[0].id, AA.COMPLETE, NOW)
    assert job.status is J.COMPLETE and job.appointments[0].status is S.COMPLETE


def test_completing_one_visit_with_another_booked_leaves_the_job_scheduled():
    job = job_in(J.SCHEDULED)
    later = job.schedule(TimeFrame(WINDOW.start + timedelta(days=7), WINDOW.end + timedelta(days=7)), NOW)
    job.change_appointment_status(job.appointments[0].id, AA.COMPLETE, NOW)
    assert job.status is J.SCHEDULED and later.status is S.SCHEDULED


def test_in_progress_pause_then_new_appointment_resumes():
    job = job_in(J.IN_PROGRESS)
    job.change_appointment_status(job.appointments[0].id, AA.PAUSE, NOW, reason="part needed")
    assert job.status is J.PAUSED and job.appointments[0].status_reason == "part needed"
    job.schedule(WINDOW, NOW)
    assert job.status is J.SCHEDULED


@pytest.mark.parametrize("status", [J.SCHEDULED, J.PAUSED])
def test_cancel_cascades_to_open_appointments(status):
    job = job_in(status)
    extra = job.schedule(WINDOW, NOW) if status is J.PAUSED else None
    if extra:  # a paused job that got a new visit is scheduled again: cancel that
        assert job.status is J.SCHEDULED
    job.cancel("no longer needed", NOW, offer_coupon=True)
    assert job.status is J.CANCELED and job.cancel_reason == "no longer needed"
    assert all(a.status is S.CANCELED and a.status_reason == "no longer needed" for a in job.appointments)
    assert not job.open_appointments
    assert job.coupon.percent == 15


def test_paused_job_cancel_closes_the_paused_appointment():
    job = job_in(J.PAUSED)
    job.cancel("customer absent", NOW)
    assert job.status is J.CANCELED and job.coupon is None
    assert [a.status for a in job.appointments] == [S.CANCELED]


def test_cancel_leaves_a_completed_visit_complete():
    job = job_in(J.COMPLETE)
    job.schedule(WINDOW, NOW)
    job.cancel("second visit not needed", NOW)
    assert sorted(a.status for a in job.appointments) == [S.CANCELED, S.COMPLETE]


def test_coupon_is_given_once_only():
    job = job_in(J.SCHEDULED)
    job.cancel("tech sick", NOW, offer_coupon=True, coupon_code="FIRST")
    job.schedule(WINDOW, NOW)
    job.cancel("tech sick again", NOW, offer_coupon=True, coupon_code="SECOND")
    assert job.coupon.code == "FIRST"


def test_delay_needs_an_eta_and_keeps_the_status():
    job = job_in(J.IN_PROGRESS)
    with pytest.raises(ValidationError):
        job.change_appointment_status(job.appointments[0].id, AA.DELAY, NOW)
    eta = NOW + timedelta(hours=5)
    appointment = job.change_appointment_status(job.appointments[0].id, AA.DELAY, NOW, eta=eta)
    assert appointment.eta == eta and appointment.status is S.EN_ROUTE and job.status is J.IN_PROGRESS


def test_reschedule_resets_confirmation_and_assigns():
    job = job_in(J.SCHEDULED)
    appointment = job.appointments[0]
    appointment.confirmation = "confirmed"
    later = TimeFrame(WINDOW.start + timedelta(days=1), WINDOW.end + timedelta(days=1))
    job.reschedule(appointment.id, NOW, window=later, technician_id=None, assign=True)
    assert appointment.window == later and appointment.confirmation == "pending" and appointment.technician_id is None


def test_offers_are_sorted_soonest_first_and_bounded():
    job = job_in(J.SCHEDULED)
    a = TimeFrame(WINDOW.start + timedelta(days=2), WINDOW.end + timedelta(days=2))
    b = TimeFrame(WINDOW.start + timedelta(days=1), WINDOW.end + timedelta(days=1))
    appointment = job.offer_time_frames(job.appointments[0].id, [a, b, a], NOW)
    assert appointment.offers == [b, a]
    with pytest.raises(ValidationError):
        job.offer_time_frames(job.appointments[0].id, [], NOW)


# -- every refused action through the aggregate changes nothing --------------------------------------

def attempt(job: Job, action: str):
    appointment_id = job.appointments[0].id if job.appointments else "apt_x_y"
    calls = {
        "accept": lambda: job.accept(NOW),
        "decline": lambda: job.decline(NOW),
        "cancel": lambda: job.cancel("r", NOW, offer_coupon=True),
        "add_appointment": lambda: job.schedule(WINDOW, NOW),
        "delete_appointment": lambda: job.delete_appointment(appointment_id, NOW),
        "reschedule": lambda: job.reschedule(appointment_id, NOW, window=WINDOW),
    }
    calls.update({a.value: (lambda a=a: job.change_appointment_status(appointment_id, a, NOW, eta=NOW))
                  for a in AppointmentAction})
    calls[action]()


ALLOWED = {
    J.NEW_OFFER: {"accept", "decline"},
    J.UNSCHEDULED: {"add_appointment"},
    J.SCHEDULED: {"add_appointment", "delete_appointment", "reschedule", "en_route", "start", "complete",
                  "delay", "cancel"},
    J.IN_PROGRESS: {"start", "pause", "complete", "delay"},
    J.PAUSED: {"add_appointment", "cancel"},
    J.COMPLETE: {"add_appointment"},
    J.CANCELED: {"add_appointment"},
    J.DECLINED: set(),
}
ACTIONS = ["accept", "decline", "cancel", "add_appointment", "delete_appointment", "reschedule"] + [a.value for a in AppointmentAction]


@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_outside_the_table_is_refused_and_changes_nothing(status, action):
    job = job_in(status)
    before = copy.deepcopy(job)
    if action in ALLOWED[status]:
        attempt(job, action)
        return
    with pytest.raises(Exception) as refused:
        attempt(job, action)
    # With no appointment to act on the answer is "not found"; otherwise the machine refuses.
    assert refused.value.code in ("invalid_transition", "not_found")
    if job.appointments:
        assert refused.value.code == "invalid_transition"
    assert job == before and job.touched == before.touched and job.removed == before.removed


@pytest.mark.parametrize("words,category", [
    ("too expensive", "price"), ("found someone cheaper", "price"), ("we sold the house", "no_longer_needed"),
    ("my neighbour fixed it", "no_longer_needed"), ("I work that day", "timing"),
    ("can you come next week instead", "timing"), ("no thanks", "other"), (None, None),
])
def test_a_rejection_is_categorised_from_its_words(words, category):
    from chalicelib.domain.jobs import Confirmation, rejection_category
    if words:
        assert rejection_category(words) == category
    job = job_in(J.SCHEDULED)
    visit = job.confirm(job.appointments[0].id, Confirmation.REJECTED, NOW, reason=words)
    assert (visit.rejection_reason, visit.rejection_category) == (words, category)
