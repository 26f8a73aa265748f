"""What decides a customer's text, in pure Python: whether it goes now, waits for the end of quiet hours, or
is recorded without being sent (and why), and the values its template is filled with (docs/product.md §4)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import timefmt
from .jobs import Job
from .messages import MessageStatus
from .recipients import RecipientContext
from .scenarios import Scenario
from .status import AppointmentStatus
from .triggers import Trigger, why_not_now

FOLLOWED_UP = ("booking_confirmation", "reminder")  # texts that ask for a reply: the confirmation chain follows


@dataclass(frozen=True)
class Decision:
    status: MessageStatus  # queued (send now), held (at release_at), or suppressed (never)
    why: str | None  # why it is suppressed
    release_at: datetime | None  # the end of quiet hours, when a held text goes

    @property
    def suppressed(self) -> bool:
        return self.status is MessageStatus.SUPPRESSED

    def unreachable(self) -> "Decision":
        """The customer has no channel we may use: nothing will go."""
        if self.suppressed:
            return self
        return Decision(MessageStatus.SUPPRESSED, "the customer cannot be reached on any channel", self.release_at)


def decide(scenario: Scenario, ctx: RecipientContext, trigger: Trigger, job: Job, now: datetime,
           release_window: timedelta = timedelta()) -> Decision:
    """`release_window`: held texts go at a stable moment within it after quiet hours, not all at their end."""
    status, why = MessageStatus.QUEUED, None
    if not scenario.enabled:
        status, why = MessageStatus.SUPPRESSED, "scenario turned off"
    elif ctx.customer.opted_out:
        status, why = MessageStatus.SUPPRESSED, "customer opted out"
    elif stale := why_not_now(trigger, job, now):
        status, why = MessageStatus.SUPPRESSED, stale
    release_at = None if scenario.urgent else ctx.settings.quiet_hours.release_moment(
        now, ctx.time_zone, trigger.key, release_window, trigger.window and trigger.window.start)
    if status is MessageStatus.QUEUED and release_at:
        status = MessageStatus.HELD
    return Decision(status, why, release_at)


def variables(ctx: RecipientContext, job: Job, appointment, trigger: Trigger, link: str, now: datetime) -> dict:
    tz = ctx.time_zone
    window = trigger.window or (appointment and appointment.window)
    eta = appointment.eta if appointment and appointment.eta and appointment.eta > now else None  # never one gone by
    return {
        "company": ctx.org.name, "company_phone": ctx.org.sms_number,
        "customer_name": ctx.customer.name, "customer_first_name": ctx.customer.name.split()[0],
        "technician": ctx.technician.name if ctx.technician else None,
        "window": timefmt.window(window.start, window.end, tz) if window else "",
        "eta": timefmt.clock_time(eta, tz) if eta else None, "link": link,
        "on_the_way": bool(appointment and appointment.status is AppointmentStatus.EN_ROUTE),
        "reason": job.cancel_reason, "coupon_code": job.coupon.code if job.coupon else None,
        "coupon_percent": job.coupon.percent if job.coupon else None,
    }
