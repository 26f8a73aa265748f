"""Customers, jobs and appointments."""
from typing import TYPE_CHECKING

from chalice import Blueprint

from .. import bootstrap, clock
from ..domain.people import Role
from ..domain.status import AppointmentAction
from ..domain.values import TimeFrame
from . import views
from .routing import Call, endpoint

if TYPE_CHECKING:
    from ..services import jobs
    from . import jobs_schemas

bp = Blueprint(__name__)
DISPATCHER = (Role.DISPATCHER,)


@endpoint(bp, "POST", "/customers", "Create a customer", roles=DISPATCHER, body="jobs_schemas.CustomerIn",
          response="jobs_schemas.CustomerOut", status=201)
def create_customer(call: Call):
    from ..services import people
    b = call.body
    return views.customer(people.create_customer(bootstrap.repos(), call.caller, name=b.name, phone=b.phone, email=b.email,
                                                 time_zone=b.time_zone, address=b.address,
                                                 coordinates=(b.coordinates.lat, b.coordinates.lon)
                                                 if b.coordinates else None,
                                                 preferred_channel=b.preferred_channel, region=b.region))


@endpoint(bp, "GET", "/customers/{customer_id}", "One customer", roles=DISPATCHER, response="jobs_schemas.CustomerOut")
def get_customer(call: Call, customer_id: str):
    from ..services import people
    return views.customer(people.get_customer(bootstrap.repos(), call.caller, customer_id))


@endpoint(bp, "GET", "/customers/{customer_id}/consent", "Every opt-in, opt-out and HELP of the customer, oldest first",
          roles=DISPATCHER, response="consent_schemas.ConsentOut")
def customer_consent(call: Call, customer_id: str):
    from ..services import people
    return {"items": [views.consent_record(r) for r in people.consent(bootstrap.repos(), call.caller, customer_id)]}


def _new_appointment(a: "jobs_schemas.AppointmentIn | None") -> "jobs.NewAppointment | None":
    from ..services import jobs
    return a and jobs.NewAppointment(TimeFrame.of(a.window_start, a.window_end), a.technician_id)


@endpoint(bp, "POST", "/jobs", "Create a job (a provider's job starts as new_offer)",
          roles=(Role.DISPATCHER, Role.PROVIDER), body="jobs_schemas.JobIn", response="jobs_schemas.JobOut", status=201)
def create_job(call: Call):
    from ..services import jobs
    b = call.body
    return views.job(jobs.create_job(bootstrap.repos(), call.caller, b.customer_id, b.description, priority=b.priority,
                                     location_id=b.location_id, appointment=_new_appointment(b.appointment),
                                     channel=b.channel))


@endpoint(bp, "GET", "/jobs", "Jobs the caller may see, newest first", query="jobs_schemas.JobsQuery",
          response="jobs_schemas.JobOut")
def list_jobs(call: Call):
    from ..services import jobs
    q = call.query
    page = jobs.list_jobs(bootstrap.repos(), call.caller, status=q.status, day=q.date, limit=q.limit, next_token=q.next_token)
    return views.page(page, lambda j: views.job(j, with_appointments=False))


@endpoint(bp, "GET", "/jobs/{job_id}", "A job with its appointments", response="jobs_schemas.JobOut")
def get_job(call: Call, job_id: str):
    from ..services import jobs
    job = jobs.get_job(bootstrap.repos(), call.caller, job_id)
    return views.job(job, access_notes=call.caller.sees_private(job))


@endpoint(bp, "POST", "/jobs/{job_id}/accept", "Accept an offered job", roles=DISPATCHER,
          response="jobs_schemas.JobOut")
def accept_job(call: Call, job_id: str):
    from ..services import jobs
    return views.job(jobs.accept(bootstrap.repos(), call.caller, job_id, call.if_match))


@endpoint(bp, "POST", "/jobs/{job_id}/decline", "Decline an offered job: it is gone for the organization",
          roles=DISPATCHER, status=204)
def decline_job(call: Call, job_id: str):
    from ..services import jobs
    jobs.decline(bootstrap.repos(), call.caller, job_id, call.if_match)


@endpoint(bp, "POST", "/jobs/{job_id}/cancel", "Cancel a job and its open appointments", roles=DISPATCHER,
          body="jobs_schemas.CancelIn", response="jobs_schemas.JobOut")
def cancel_job(call: Call, job_id: str):
    from ..services import jobs
    return views.job(jobs.cancel(bootstrap.repos(), call.caller, job_id, call.body.reason, call.body.offer_coupon, call.if_match))


@endpoint(bp, "POST", "/jobs/{job_id}/appointments", "Schedule an appointment", roles=DISPATCHER,
          body="jobs_schemas.AppointmentIn", response="jobs_schemas.AppointmentOut", status=201)
def add_appointment(call: Call, job_id: str):
    from ..services import jobs
    _, appointment = jobs.add_appointment(bootstrap.repos(), call.caller, job_id, _new_appointment(call.body), call.if_match)
    return views.appointment(appointment)


@endpoint(bp, "PATCH", "/appointments/{appointment_id}", "Reschedule and/or (un)assign", roles=DISPATCHER,
          body="jobs_schemas.AppointmentPatch", response="jobs_schemas.AppointmentOut")
def update_appointment(call: Call, appointment_id: str):
    from ..services import jobs
    b = call.body
    window = TimeFrame.of(b.window_start, b.window_end) if b.window_start else None
    return views.appointment(jobs.update_appointment(
        bootstrap.repos(), call.caller, appointment_id, window=window, technician_id=b.technician_id,
        assign="technician_id" in b.model_fields_set, if_match=call.if_match))


@endpoint(bp, "DELETE", "/appointments/{appointment_id}", "Remove an appointment; the last one unschedules",
          roles=DISPATCHER, response="jobs_schemas.JobOut")
def delete_appointment(call: Call, appointment_id: str):
    from ..services import jobs
    return views.job(jobs.delete_appointment(bootstrap.repos(), call.caller, appointment_id, call.if_match))


@endpoint(bp, "POST", "/appointments/{appointment_id}/status", "On my way, start, pause, complete, delay",
          roles=(Role.DISPATCHER, Role.TECHNICIAN), body="jobs_schemas.StatusIn",
          response="jobs_schemas.AppointmentOut", idempotent=True)
def change_status(call: Call, appointment_id: str):
    from ..services import jobs
    b = call.body
    _, appointment = jobs.change_status(bootstrap.repos(), call.caller, appointment_id, AppointmentAction(b.action), eta=b.eta,
                                        reason=b.reason, if_match=call.if_match)
    return views.appointment(appointment)


@endpoint(bp, "POST", "/appointments/{appointment_id}/offers", "Offer time frames to the customer",
          roles=DISPATCHER, body="jobs_schemas.OffersIn", response="jobs_schemas.AppointmentOut")
def offer_time_frames(call: Call, appointment_id: str):
    from ..services import jobs
    frames = [TimeFrame.of(f.start, f.end, "frame") for f in call.body.frames]
    return views.appointment(jobs.offer_time_frames(bootstrap.repos(), call.caller, appointment_id, frames, call.if_match))


@endpoint(bp, "GET", "/technicians/me/appointments", "The technician's day in route order",
          roles=(Role.TECHNICIAN,), query="jobs_schemas.MyDayQuery", response="jobs_schemas.MyDayOut")
def technician_day(call: Call):
    from ..services import day as visits
    from ..services import jobs
    date, zone, day = jobs.my_day(bootstrap.repos(), call.caller, call.query.date)
    now = clock.now()
    return {"date": date, "time_zone": zone, "now": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "items": [{**views.day_entry(a, j, c), "actions": visits.actions_of(j, a, now)} for a, j, c in day],
            "next_token": None}
