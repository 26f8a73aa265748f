"""OnMyWay: registers the blueprints and the error middleware. No logic lives here."""
from chalice import Chalice

from chalicelib.api import channels, inbox, intake, jobs, notes, openapi, people, queues, settings
from chalicelib.api.errors import error_middleware
from chalicelib.events import inbound, stream, sweep, whatsapp

app = Chalice(app_name="onmyway")
app.register_middleware(error_middleware, "http")
for blueprint in (jobs.bp, people.bp, notes.bp, settings.bp, queues.bp, inbox.bp, openapi.bp, stream.bp, sweep.bp,
                  inbound.bp, intake.bp, whatsapp.bp, channels.bp):
    app.register_blueprint(blueprint)
