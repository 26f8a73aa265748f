"""Notes and photos on a job, and its customer conversation."""
from chalice import Blueprint

from ..domain.notes import Visibility
from ..services import conversation, notes
from ..store import uploads
from . import schemas as s
from . import views
from .routing import Call, endpoint, repos

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/jobs/{job_id}/notes", "Notes the caller may see, oldest first", query=s.PageQuery,
          response=s.NoteOut)
def list_notes(call: Call, job_id: str):
    return views.page(notes.list_notes(repos, call.caller, job_id, call.query.limit, call.query.next_token),
                      views.note)


@endpoint(bp, "POST", "/jobs/{job_id}/notes", "Add a note", body=s.NoteIn, response=s.NoteOut, status=201)
def add_note(call: Call, job_id: str):
    return views.note(notes.add_note(repos, call.caller, job_id, call.body.text, Visibility(call.body.visibility)))


@endpoint(bp, "POST", "/jobs/{job_id}/photos", "Add a photo: returns a presigned upload URL", body=s.PhotoIn,
          response=s.PhotoOut, status=201)
def add_photo(call: Call, job_id: str):
    photo = notes.add_photo(repos, call.caller, job_id, call.body.content_type, Visibility(call.body.visibility))
    return views.photo(photo, upload_url=uploads.upload_url(photo.object_key, photo.content_type))


@endpoint(bp, "GET", "/jobs/{job_id}/photos", "Photos the caller may see, with download URLs", query=s.PageQuery,
          response=s.PhotoOut)
def list_photos(call: Call, job_id: str):
    page = notes.list_photos(repos, call.caller, job_id, call.query.limit, call.query.next_token)
    return views.page(page, lambda p: views.photo(p, download_url=uploads.download_url(p.object_key)))


@endpoint(bp, "GET", "/jobs/{job_id}/messages", "The customer conversation, oldest first, with status",
          query=s.PageQuery, response=s.MessageOut)
def list_messages(call: Call, job_id: str):
    page = conversation.list_messages(repos, call.caller, job_id, call.query.limit, call.query.next_token)
    return views.page(page, views.message)


@endpoint(bp, "POST", "/jobs/{job_id}/messages", "Text the customer (sent by the stream handler)", body=s.MessageIn,
          response=s.MessageOut, status=201)
def write_message(call: Call, job_id: str):
    return views.message(conversation.write_to_customer(repos, call.caller, job_id, call.body.body))
