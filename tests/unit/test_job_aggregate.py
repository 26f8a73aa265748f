"""The Job aggregate's bookkeeping (domain/jobs.py): each refusal says what was refused, in words the API
returns; each change stamps the job and the visit it touched; creation defaults; a single visit called off."""
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.customer_page import access_notes
from chalicelib.domain.errors import InvalidTransition, NotFound, ValidationError
from chalicelib.domain.jobs import AccessNotes, Confirmation, Coupon, Job, RejectionCategory, rejection_category
from chalicelib.domain.status import AppointmentAction as AA
from chalicelib.domain.status import AppointmentStatus as S
from chalicelib.domain.status import JobStatus as J
from chalicelib.domain.values import TimeFrame

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
WINDOW = TimeFrame(NOW + timedelta(hours=2), NOW + timedelta(hours=4))
NEXT_WEEK = TimeFrame(WINDOW.start + timedelta(days=7), WINDOW.end + timedelta(days=7))


def booked(*windows: TimeFrame) -> Job:
    job = Job.create("org_1", "cus_1", "Replace water heater", NOW)
    for window in windows or (WINDOW,):
        job.schedule(window, NOW, "usr_tech")
    return job


def paused_with_a_second_visit() -> Job:
    job = booked(WINDOW, NEXT_WEEK)
    first = job.appointments[0].id
    job.change_appointment_status(first, AA.START, NOW)
    job.change_appointment_status(first, AA.PAUSE, NOW)
    return job


def refusal(call) -> str:
    with pytest.raises((InvalidTransition, NotFound, ValidationError)) as refused:
        call()
    return str(refused.value)


def test_each_refusal_says_what_was_refused():
    job = booked()
    visit = job.appointments[0].id
    job.change_appointment_status(visit, AA.EN_ROUTE, NOW)
    assert refusal(lambda: job.reschedule(visit, NOW, window=NEXT_WEEK)) == \
        "cannot reschedule a appointment that is en_route"
    assert refusal(lambda: job.confirm(visit, Confirmation.CONFIRMED, NOW)) == \
        "cannot mark confirmed a appointment that is en_route"
    assert refusal(lambda: job.delete_appointment("apt_x_y", NOW)) == "appointment not found"
    assert refusal(lambda: job.change_appointment_status(visit, AA.DELAY, NOW)) == \
        "eta: a delay needs the new estimated time of arrival"
    paused = paused_with_a_second_visit()
    second = paused.appointments[1].id
    for call, said in [
        (lambda: paused.reschedule(second, NOW, window=WINDOW), "cannot reschedule an appointment of a job that is paused"),
        (lambda: paused.offer_time_frames(second, [WINDOW], NOW),
         "cannot offer time frames for an appointment of a job that is paused"),
        (lambda: paused.delete_appointment(second, NOW), "cannot delete an appointment of a job that is paused"),
        (lambda: paused.cancel_appointment(second, "r", NOW, offer_coupon=False),
         "cannot cancel an appointment of a job that is paused"),
        (lambda: paused.change_appointment_status(second, AA.DELAY, NOW, eta=NOW), "cannot delay a job that is paused"),
        (lambda: paused.change_appointment_status(second, AA.EN_ROUTE, NOW), "cannot en route a job that is paused"),
    ]:
        assert refusal(call) == said
    with pytest.raises(InvalidTransition) as refused:
        paused.reschedule(second, NOW, window=WINDOW)
    assert (refused.value.status, refused.value.action) == (J.PAUSED, "reschedule an appointment of")
    with pytest.raises(InvalidTransition) as refused:
        job.confirm(visit, Confirmation.CONFIRMED, NOW)
    assert (refused.value.status, refused.value.action) == (S.EN_ROUTE, "mark confirmed")
    with pytest.raises(InvalidTransition) as refused:
        job.reschedule(visit, NOW, window=NEXT_WEEK)
    assert (refused.value.status, refused.value.action) == (S.EN_ROUTE, "reschedule")


def test_offered_time_frames_are_one_to_ten_and_a_refusal_names_the_field():
    job = booked()
    visit = job.appointments[0].id
    frames = [TimeFrame(WINDOW.start + timedelta(days=d), WINDOW.end + timedelta(days=d)) for d in range(1, 12)]
    with pytest.raises(ValidationError) as refused:
        job.offer_time_frames(visit, [], NOW)
    assert (refused.value.field, str(refused.value)) == ("frames", "frames: offer at least one time frame")
    with pytest.raises(ValidationError) as refused:
        job.offer_time_frames(visit, frames, NOW)
    assert (refused.value.field, str(refused.value)) == ("frames", "frames: offer at most 10 time frames")
    with pytest.raises(ValidationError) as refused:
        job.change_appointment_status(visit, AA.DELAY, NOW)
    assert refused.value.field == "eta"
    assert job.offer_time_frames(visit, frames[:10], LATER).offers == frames[:10]
    assert job.updated_at == job.appointments[0].updated_at == LATER and visit in job.touched


def test_every_change_stamps_the_job_and_the_visit_it_touched():
    offer = Job.create("org_1", "cus_1", "x", NOW, offered=True)
    offer.accept(LATER)
    assert offer.updated_at == LATER
    offer = Job.create("org_1", "cus_1", "x", NOW, offered=True)
    offer.decline(LATER)
    assert offer.updated_at == LATER
    job = booked()
    added = job.schedule(NEXT_WEEK, LATER)
    assert job.updated_at == added.created_at == added.updated_at == LATER
    visit = job.appointments[0]
    job.confirm(visit.id, Confirmation.CONFIRMED, LATER + timedelta(minutes=1))
    assert job.updated_at == visit.updated_at == LATER + timedelta(minutes=1)
    job.delete_appointment(added.id, LATER + timedelta(minutes=2))  # another visit stays: still scheduled
    assert job.updated_at == LATER + timedelta(minutes=2) and job.status is J.SCHEDULED
    assert job.removed == [added] and added.id not in job.touched
    job.delete_appointment(visit.id, LATER + timedelta(minutes=3))
    assert job.updated_at == LATER + timedelta(minutes=3) and job.status is J.UNSCHEDULED
    assert job.removed == [added, visit]
    job = booked()
    job.cancel("moved away", LATER)
    assert job.updated_at == job.appointments[0].updated_at == LATER and job.canceled_by == "company"


def test_a_job_is_created_with_its_defaults_and_a_providers_job_comes_from_the_provider_channel():
    job = Job.create("org_1", "cus_1", "Boiler", NOW)
    assert (job.description, job.priority, job.channel, job.provider_id, job.location_id) == (
        "Boiler", "normal", "phone", None, None)
    assert job.created_at == job.updated_at == NOW and job.id.startswith("job_")
    offered = Job.create("org_1", "cus_1", "Boiler", NOW, provider_id="usr_brand", offered=True, priority="high",
                         location_id="loc_n")
    assert (offered.channel, offered.provider_id, offered.priority, offered.location_id) == (
        "provider", "usr_brand", "high", "loc_n")
    assert Job.create("org_1", "cus_1", "x", NOW, provider_id="usr_brand", channel="web").channel == "web"


def test_one_visit_called_off_while_another_is_booked_keeps_the_job_and_gives_one_coupon():
    job = booked(WINDOW, NEXT_WEEK)
    first, second = job.appointments
    job.touched.clear()
    job.cancel_appointment(first.id, "still unassigned", LATER, offer_coupon=False)
    assert (first.status, first.status_reason, job.status, job.coupon) == (S.CANCELED, "still unassigned", J.SCHEDULED,
                                                                          None)
    assert job.touched == {first.id} and first.updated_at == job.updated_at == LATER and second.status is S.SCHEDULED
    third = job.schedule(NEXT_WEEK, NOW)
    job.cancel_appointment(second.id, "still unassigned", LATER, offer_coupon=True)
    assert job.coupon.percent == 15 and job.coupon.code
    given = job.coupon
    job.schedule(NEXT_WEEK, NOW)
    job.cancel_appointment(third.id, "again", LATER, offer_coupon=True)
    assert job.coupon is given  # once only


def test_the_last_visit_called_off_cancels_the_job_by_the_system_with_its_reason():
    job = booked()
    job.coupon = Coupon("KEEP", 10)
    job.cancel_appointment(job.appointments[0].id, "still unassigned", LATER, offer_coupon=True)
    assert (job.status, job.canceled_by, job.cancel_reason, job.updated_at) == (J.CANCELED, "system",
                                                                               "still unassigned", LATER)
    assert job.appointments[0].status_reason == "still unassigned" and job.coupon == Coupon("KEEP", 10)


def test_a_reschedule_keeps_the_technician_unless_told_to_assign():
    job = booked()
    visit = job.appointments[0]
    job.reschedule(visit.id, LATER, window=NEXT_WEEK)
    assert visit.technician_id == "usr_tech" and visit.window == NEXT_WEEK and visit.window_set_at == LATER
    assert visit.updated_at == job.updated_at == LATER and visit.id in job.touched
    job.reschedule(visit.id, LATER, technician_id="usr_other")  # no `assign`: nothing to assign
    assert visit.technician_id == "usr_tech"


def test_a_rejection_without_words_is_other():
    assert rejection_category(None) is rejection_category("") is RejectionCategory.OTHER
    assert rejection_category("TOO EXPENSIVE") is RejectionCategory.PRICE


def test_access_notes_are_left_until_the_visit_starts_and_emptied_notes_are_none():
    job = booked()
    a = job.appointments[0]
    job.touched.clear()
    notes = access_notes({"gate_code": " 4411 ", "pets": ""}, None)
    assert notes == AccessNotes(gate_code="4411")
    job.leave_access_notes(a.id, notes, LATER)
    assert (a.access_notes, job.updated_at, job.touched) == (notes, LATER, {a.id})
    assert a.updated_at == NOW  # the visit's own moves date its position on the page, not the customer's notes
    job.leave_access_notes(a.id, access_notes({"gate_code": ""}, a.access_notes), LATER)
    assert a.access_notes is None  # nothing left: no notes, not an empty record
    job.change_appointment_status(a.id, AA.START, LATER)
    assert "cannot leave access notes on" in refusal(lambda: job.leave_access_notes(a.id, notes, LATER))
    assert a.access_notes is None


def test_access_notes_keep_what_is_not_posted_and_refuse_what_is_not_a_note():
    before = AccessNotes(gate_code="4411", pets="Rex")
    assert access_notes({"parking": "street"}, before) == AccessNotes("4411", "Rex", "street")
    assert "keep it under 200 characters (it has 201)" in refusal(lambda: access_notes({"other": "x" * 201}, before))
    assert "is not an access note" in refusal(lambda: access_notes({"code": "1"}, before))
    assert "must be text" in refusal(lambda: access_notes({"pets": ["Rex"]}, before))
