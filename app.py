"""OnMyWay: registers the blueprints and the error middleware. No logic lives here."""
from chalice import Chalice

from chalicelib.api import (
    analytics,
    booking,
    channels,
    console,
    contacts,
    day,
    estimates,
    feedback,
    frames,
    inbox,
    intake,
    jobs,
    notes,
    openapi,
    pages,
    people,
    queues,
    settings,
    staff,
    tech,
)
from chalicelib.api.errors import error_middleware
from chalicelib.handlers import drainer, inbound, stream, sweep, whatsapp

app = Chalice(app_name="onmyway")
app.register_middleware(error_middleware, "http")
for blueprint in (jobs.bp, people.bp, contacts.bp, notes.bp, settings.bp, queues.bp, inbox.bp, feedback.bp, estimates.bp,
                  staff.bp, pages.bp, frames.bp,
                  booking.bp, analytics.bp, day.bp, console.bp, tech.bp, intake.bp, channels.bp, openapi.bp, stream.bp, sweep.bp, drainer.bp,
                  inbound.bp, whatsapp.bp):
    app.register_blueprint(blueprint)
