"""The values a customer's text's template is filled with (docs/product.md §4). Whether it goes is the one
rule's (domain/sending.py)."""
from datetime import datetime

from . import timefmt
from .jobs import Job
from .recipients import RecipientContext
from .scenarios import ScenarioName
from .status import AppointmentStatus
from .triggers import Trigger

FOLLOWED_UP = ("booking_confirmation", "reminder")  # texts that ask for a reply: the confirmation chain follows


def variables(ctx: RecipientContext, job: Job, appointment, trigger: Trigger, link: str, now: datetime) -> dict:
    tz = ctx.time_zone
    window = trigger.window or (appointment and appointment.window)
    eta = appointment.eta if appointment and appointment.eta and appointment.eta > now else None  # never one gone by
    # window_narrowed's trigger carries the expected window it tells (domain/triggers.py); no other scenario has it
    expected = trigger.window if trigger.scenario == ScenarioName.WINDOW_NARROWED else None
    return {
        "company": ctx.org.name, "company_phone": ctx.org.sms_number,
        "customer_name": ctx.customer.name, "customer_first_name": ctx.customer.name.split()[0],
        "technician": ctx.technician.name if ctx.technician else None,
        "technician_first_name": ctx.technician.name.split()[0] if ctx.technician and ctx.technician.name else None,
        "expected_start": timefmt.clock_time(expected.start, tz) if expected else None,
        "expected_end": timefmt.clock_time(expected.end, tz) if expected else None,
        "window": timefmt.window(window.start, window.end, tz) if window else "",
        "eta": timefmt.clock_time(eta, tz) if eta else None, "link": link,
        "on_the_way": bool(appointment and appointment.status is AppointmentStatus.EN_ROUTE),
        "reason": job.cancel_reason, "coupon_code": job.coupon.code if job.coupon else None,
        "coupon_percent": job.coupon.percent if job.coupon else None,
        "subject": job.description,
    }
