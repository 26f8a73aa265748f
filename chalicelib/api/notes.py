"""Notes and photos on a job, and its customer conversation."""
from chalice import Blueprint

from .. import bootstrap
from ..domain.notes import Visibility
from . import views
from .routing import Call, endpoint

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/jobs/{job_id}/notes", "Notes the caller may see, oldest first", query="schemas.PageQuery",
          response="notes_schemas.NoteOut")
def list_notes(call: Call, job_id: str):
    from ..services import notes
    return views.page(notes.list_notes(bootstrap.repos(), call.caller, job_id, call.query.limit, call.query.next_token),
                      views.note)


@endpoint(bp, "POST", "/jobs/{job_id}/notes", "Add a note", body="notes_schemas.NoteIn",
          response="notes_schemas.NoteOut", status=201, idempotent=True)
def add_note(call: Call, job_id: str):
    from ..services import notes
    return views.note(notes.add_note(bootstrap.repos(), call.caller, job_id, call.body.text, Visibility(call.body.visibility)))


@endpoint(bp, "POST", "/jobs/{job_id}/photos", "Add a photo: returns a presigned upload URL",
          body="notes_schemas.PhotoIn",
          response="notes_schemas.PhotoOut", status=201)
def add_photo(call: Call, job_id: str):
    from ..services import notes
    photo, url = notes.add_photo(bootstrap.repos(), call.caller, job_id, call.body.content_type,
                                 Visibility(call.body.visibility))
    return views.photo(photo, upload_url=url)


@endpoint(bp, "GET", "/jobs/{job_id}/photos", "Photos the caller may see, with download URLs",
          query="schemas.PageQuery",
          response="notes_schemas.PhotoOut")
def list_photos(call: Call, job_id: str):
    from ..services import notes
    page = notes.list_photos(bootstrap.repos(), call.caller, job_id, call.query.limit, call.query.next_token)
    return views.page(page, lambda p: views.photo(p[0], download_url=p[1]))


@endpoint(bp, "GET", "/jobs/{job_id}/messages", "The customer conversation, oldest first, with status",
          query="schemas.PageQuery", response="notes_schemas.MessageOut")
def list_messages(call: Call, job_id: str):
    from ..services import conversation
    page = conversation.list_messages(bootstrap.repos(), call.caller, job_id, call.query.limit, call.query.next_token)
    return views.page(page, views.message)


@endpoint(bp, "POST", "/jobs/{job_id}/messages", "Text the customer or chosen contacts, own words or a quick action "
          "(sent by the stream handler)", body="notes_schemas.MessageIn",
          response="notes_schemas.MessageSentOut", status=201, idempotent=True)
def write_message(call: Call, job_id: str):
    from ..domain.scenarios import ScenarioName
    from ..services import conversation
    b = call.body
    first, *others = conversation.write_to_customer(bootstrap.repos(), call.caller, job_id, b.body,
                                                    b.quick_action and ScenarioName(b.quick_action), b.recipients)
    return {**views.message(first), "copies": [views.message(m) for m in others]}
