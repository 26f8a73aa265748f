"""/dev/* routes: only the local stage registers this blueprint (the deployed app.py never imports it)."""
from datetime import timedelta
from typing import ClassVar

from chalice import Blueprint, Response
from pydantic import AwareDatetime, Field, model_validator

from chalicelib import bootstrap, clock
from chalicelib.api import errors, views
from chalicelib.api import schemas as s
from chalicelib.api.routing import Call, endpoint
from chalicelib.domain.errors import ValidationError

from . import demo, pages
from .clock import SimulatedClock
from .driver import NotSettled
from .tokens import mint

bp = Blueprint(__name__)
DEMO: dict = {}  # filled by the server once it has seeded
CLOCK = SimulatedClock()
DRIVER: dict = {}  # {"driver": Driver}, set by the server


class OrgIn(s.In):
    name: s.Text
    slug: s.Text = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,40}$")
    time_zone: s.TimeZone
    # The number's send rate, as an operator sets it when the carrier grants more (bench/e2e_latency.py
    # measures the stack on an identity whose rate is not the bound); none: its kind's default.
    parts_per_second: float | None = Field(default=None, gt=0, le=1000)


class TokenIn(s.In):
    user_id: s.Id


@endpoint(bp, "GET", "/dev/demo", "The seeded demo with a bearer token per user", public=True)
def dev_demo(call: Call):
    return {"org": views.organization(DEMO["org"]), "users": DEMO["users"],
            "customers": [views.customer(c) for c in DEMO["customers"]],
            "jobs": [views.job(j) for j in DEMO["jobs"]]}


@endpoint(bp, "POST", "/dev/orgs", "A fresh organization with one dispatcher", body=OrgIn, public=True, status=201)
def dev_orgs(call: Call):
    b = call.body
    org, dispatcher = demo.create_org(bootstrap.repos(), b.name, b.slug, b.time_zone)
    if b.parts_per_second:
        bootstrap.repos().rates.set_rate(org.sms_number, b.parts_per_second)
    return {"org": views.organization(org),
            "dispatcher": {**views.user(dispatcher), "token": mint(dispatcher.id, org.id, dispatcher.roles)}}


@endpoint(bp, "POST", "/dev/token", "A bearer token for an existing user", body=TokenIn, public=True)
def dev_token(call: Call):
    org_id = bootstrap.repos().users.org_of(call.body.user_id)
    user = bootstrap.repos().users.get(org_id, call.body.user_id)
    return {"token": mint(user.id, org_id, user.roles)}


class ClockIn(s.In):
    advance: timedelta | None = None  # ISO 8601 duration, like PT3H
    set: AwareDatetime | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.advance is None) == (self.set is None):
            raise ValueError("send either advance (like PT3H) or set (a time)")
        return self


@endpoint(bp, "GET", "/dev/clock", "The simulated time the handlers see", public=True)
def dev_clock(call: Call):
    return {"now": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")}


@endpoint(bp, "POST", "/dev/clock", "Move the simulated time forward", body=ClockIn, public=True)
def move_clock(call: Call):
    b = call.body
    try:
        CLOCK.advance(b.advance) if b.advance is not None else CLOCK.set(b.set)
    except ValueError as e:
        raise ValidationError("advance" if b.advance is not None else "set", str(e)) from None
    return dev_clock(call)


class SmsIn(s.In):
    sender: s.Phone = Field(alias="from")
    to: s.Phone
    body: str = Field(min_length=1, max_length=1600)


@endpoint(bp, "POST", "/dev/sms", "A text from a customer's phone, into the inbound handler", body=SmsIn, public=True)
def dev_sms(call: Call):
    b = call.body
    return {"outcome": DRIVER["driver"].text_in(b.sender, b.to, b.body).get("outcome")}


class WhatsAppIn(s.In):
    sender: s.Phone = Field(alias="from")
    to: s.Phone
    body: str | None = Field(None, min_length=1, max_length=1600)
    button: str | None = Field(None, min_length=1, max_length=40)  # a quick reply's title or a list row's id

    @model_validator(mode="after")
    def _one(self):
        if (self.body is None) == (self.button is None):
            raise ValueError("send either body (a text) or button (a tap, like Confirm or RATE 4)")
        return self


@endpoint(bp, "POST", "/dev/whatsapp", "A WhatsApp message or tap from a customer's phone, into the WhatsApp "
          "events handler", body=WhatsAppIn, public=True)
def dev_whatsapp(call: Call):
    b = call.body
    result = DRIVER["driver"].whatsapp_in(b.sender, b.to, body=b.body, button=b.button)
    return {"outcome": (result.get("outcomes") or [result.get("outcome")])[0]}


@endpoint(bp, "POST", "/dev/settle", "Returns once the stream is drained and due timers have run", public=True)
def dev_settle(call: Call):
    try:
        DRIVER["driver"].settle()
    except NotSettled as stuck:  # the stage's own failure, said as such (not "something went wrong")
        return errors.error(500, "not_settled", str(stuck))
    return {"now": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")}


def outbox_items(since: int = 0) -> list[dict]:
    items = []
    for entry in DRIVER["driver"].outbox[since:]:
        if entry.scenario is None:
            message = bootstrap.repos().messages.by_provider_id(entry.message_id)
            entry.scenario = (message.scenario or "free_text") if message else "reply"
        items.append({"message_id": entry.message_id, "channel": entry.channel, "to": entry.to, "from": entry.sender,
                      "body": entry.body, "scenario": entry.scenario, "segments": entry.segments,
                      "sent_at": entry.sent_at.strftime("%Y-%m-%dT%H:%M:%SZ")})
    return items


def held_items() -> list[dict]:
    """Texts waiting for the end of quiet hours (or a retry): what will go, and when."""
    now = clock.now()
    return [{"message_id": m.id, "channel": m.channel, "to": m.recipient, "from": m.sender, "body": m.body,
             "scenario": m.scenario,
             "segments": m.segments, "release_at": m.release_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
            for m in bootstrap.repos().messages.held_between(now - timedelta(hours=1), now + timedelta(hours=24))]


@endpoint(bp, "GET", "/dev/held.json", "Texts held for the end of quiet hours, with when each will go",
          public=True)
def dev_held_json(call: Call):
    return {"items": held_items()}


class OutboxQuery(s.In):
    listed: ClassVar[bool] = False  # the whole outbox, or its tail: not a page of a list
    since: int = Field(default=0, ge=0, description="leave out the first `since` messages (a poller's place)")
    wait: float = Field(default=0, ge=0, le=30, description="seconds to wait for a message after the first "
                        "`since`, answered as soon as one is there (a long poll: a poller's requests cost the "
                        "stack it watches)")


@endpoint(bp, "GET", "/dev/outbox.json", "Every message sent (SMS, WhatsApp, email), newest last", public=True,
          query=OutboxQuery)
def dev_outbox_json(call: Call):
    DRIVER["driver"].shown_after(call.query.since, call.query.wait)  # woken by the text, not polling for it
    return {"items": outbox_items(call.query.since)}


@endpoint(bp, "GET", "/dev/outbox", "Every text sent, as a page whose rows refresh themselves (JSON on Accept)",
          public=True)
def dev_outbox(call: Call):
    if "application/json" in (call.request.headers.get("accept") or ""):
        return {"items": outbox_items()}
    return Response(body=pages.outbox(outbox_items(), held_items(), DEMO), status_code=200,
                    headers={"Content-Type": "text/html; charset=utf-8"})
