"""docs/product.md §3: every row of the status table works; every other (status, action) is refused."""
import copy
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.errors import InvalidTransition, ValidationError
from chalicelib.domain.jobs import Job
from chalicelib.domain.status import (
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


# -- the tables themselves, pinned to seed 004 and docs/product.md §3 (written out here, never read from the code) --

# Every allowed move of a job as (from, action, to); every other pair is refused. "decline" leaves the offer
# gone for this organization (kept as `declined`, never shown); a scheduled job may get a further visit (seed
# 004: a job may take several appointments).
JOB_MOVES = {
    ("new_offer", "accept", "unscheduled"), ("new_offer", "decline", "declined"),
    ("unscheduled", "add_appointment", "scheduled"), ("scheduled", "add_appointment", "scheduled"),
    ("scheduled", "delete_last_appointment", "unscheduled"), ("scheduled", "en_route", "in_progress"),
    ("scheduled", "start", "in_progress"), ("scheduled", "complete", "complete"),
    ("scheduled", "cancel", "canceled"), ("in_progress", "complete", "complete"),
    ("in_progress", "pause", "paused"), ("paused", "add_appointment", "scheduled"),
    ("paused", "cancel", "canceled"), ("complete", "add_appointment", "scheduled"),
    ("canceled", "add_appointment", "scheduled"),
}
# Every allowed move of one appointment (docs/product.md §3, "an appointment's moves"): en route, started
# and paused are seed 004's "In Progress" A, B and C; a delay moves the ETA of a visit not yet begun.
APPOINTMENT_MOVES = {
    ("scheduled", "en_route", "en_route"), ("scheduled", "start", "started"), ("en_route", "start", "started"),
    ("en_route", "pause", "paused"), ("started", "pause", "paused"),
    ("scheduled", "complete", "complete"), ("en_route", "complete", "complete"), ("started", "complete", "complete"),
    ("scheduled", "delay", "scheduled"), ("en_route", "delay", "en_route"),
}


def moves_of(statuses, actions, next_status) -> set[tuple[str, str, str]]:
    """Every (status, action) the machine allows, tried one by one: a refusal must be InvalidTransition."""
    found = set()
    for status in statuses:
        for action in actions:
            try:
                found.add((status.value, action.value, next_status(status, action).value))
            except InvalidTransition:
                pass
    return found


def test_the_job_machine_allows_exactly_the_moves_of_product_md_section_3():
    assert moves_of(JobStatus, JobAction, next_job_status) == JOB_MOVES


def test_the_appointment_machine_allows_exactly_its_moves_and_refuses_every_other_pair():
    assert moves_of(AppointmentStatus, AppointmentAction, next_appointment_status) == APPOINTMENT_MOVES


def test_a_refused_move_says_what_was_refused():
    with pytest.raises(InvalidTransition) as refused:
        next_appointment_status(S.STARTED, AA.DELAY)
    assert str(refused.value) == "cannot delay a appointment that is started"
    assert (refused.value.status, refused.value.action) == (S.STARTED, "delay")
    with pytest.raises(InvalidTransition) as refused:
        next_job_status(J.PAUSED, JobAction.DELETE_LAST_APPOINTMENT)
    assert str(refused.value) == "cannot delete last appointment a job that is paused"
    with pytest.raises(InvalidTransition) as refused:
        next_appointment_status(S.STARTED, AA.EN_ROUTE)
    assert str(refused.value) == "cannot en route a appointment that is started"


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


def paused_with_a_second_visit() -> tuple[Job, str]:
    """A job whose first visit was started then paused (the job is paused) while a second visit stays booked."""
    job = job_in(J.SCHEDULED)
    second = job.schedule(TimeFrame(WINDOW.start + timedelta(days=7), WINDOW.end + timedelta(days=7)), NOW)
    first = job.appointments[0].id
    job.change_appointment_status(first, AA.START, NOW)
    job.change_appointment_status(first, AA.PAUSE, NOW, reason="part needed")
    assert job.status is J.PAUSED and second.status is S.SCHEDULED
    return job, second.id


@pytest.mark.parametrize("action", [AA.DELAY, AA.EN_ROUTE, AA.START, AA.COMPLETE])
def test_a_paused_jobs_booked_second_visit_takes_no_status_action(action):
    """The visit's own table allows each of these from scheduled: the job being paused refuses them."""
    job, second = paused_with_a_second_visit()
    before = copy.deepcopy(job)
    with pytest.raises(InvalidTransition) as refused:
        job.change_appointment_status(second, action, NOW, eta=NOW + timedelta(hours=5))
    assert (refused.value.status, refused.value.action) == (J.PAUSED, action.replace("_", " "))
    assert job == before and job.appointment(second).eta is None


@pytest.mark.parametrize("change", ["reschedule", "offer", "delete"])
def test_a_paused_jobs_booked_second_visit_is_not_moved_offered_or_deleted(change):
    """Only a scheduled job's visits are edited: a paused job goes on with a new appointment (§3)."""
    job, second = paused_with_a_second_visit()
    before = copy.deepcopy(job)
    later = TimeFrame(WINDOW.start + timedelta(days=8), WINDOW.end + timedelta(days=8))
    with pytest.raises(InvalidTransition) as refused:
        {"reschedule": lambda: job.reschedule(second, NOW, window=later),
         "offer": lambda: job.offer_time_frames(second, [later], NOW),
         "delete": lambda: job.delete_appointment(second, NOW)}[change]()
    assert refused.value.status is J.PAUSED
    assert job == before and job.touched == before.touched and job.removed == []
    job.schedule(later, NOW)
    assert job.status is J.SCHEDULED


def test_a_delay_on_a_visit_en_route_keeps_both_statuses_and_on_a_booked_one_moves_only_its_eta():
    job = job_in(J.SCHEDULED)
    second = job.schedule(TimeFrame(WINDOW.start + timedelta(days=7), WINDOW.end + timedelta(days=7)), NOW)
    eta = NOW + timedelta(hours=5)
    job.change_appointment_status(second.id, AA.DELAY, NOW + timedelta(minutes=1), eta=eta, reason="traffic")
    assert (job.status, second.status, second.eta, second.status_reason) == (J.SCHEDULED, S.SCHEDULED, eta, "traffic")
    assert second.updated_at == job.updated_at == NOW + timedelta(minutes=1) and job.appointments[0].eta is None


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
