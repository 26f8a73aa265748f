"""Notes and photos: dispatchers see all; assigned technicians see their jobs'; providers, PUBLIC only."""
from .. import clock
from ..domain import ids
from ..domain.errors import ValidationError
from ..domain.lists import Page
from ..domain.notes import Note, Photo, Visibility
from .access import Caller, visible_job
from .repositories import Repositories

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/heic": "heic", "image/webp": "webp"}


def _writable_visibility(caller: Caller, job, visibility: Visibility) -> Visibility:
    if visibility is Visibility.PRIVATE and not caller.sees_private(job):
        raise ValidationError("visibility", "a provider can only add public notes and photos")
    return visibility


def add_note(repos: Repositories, caller: Caller, job_id: str, text: str, visibility: Visibility) -> Note:
    job = visible_job(repos, caller, job_id)
    note = Note(id=ids.new_id("note"), job_id=job.id, author_id=caller.id, text=text,
                visibility=_writable_visibility(caller, job, visibility), created_at=clock.now())
    repos.notes.add(caller.org_id, note)
    return note


def list_notes(repos: Repositories, caller: Caller, job_id: str, limit: int, next_token: str | None) -> Page[Note]:
    job = visible_job(repos, caller, job_id)
    return repos.notes.list(caller.org_id, job.id, not caller.sees_private(job), limit, next_token)


def add_photo(repos: Repositories, caller: Caller, job_id: str, content_type: str,
              visibility: Visibility) -> tuple[Photo, str]:
    """The photo's record and the presigned URL the app uploads the bytes to itself."""
    if content_type not in PHOTO_TYPES:
        raise ValidationError("content_type", f"must be one of {', '.join(PHOTO_TYPES)}")
    job = visible_job(repos, caller, job_id)
    photo_id = ids.new_id("pho")
    photo = Photo(id=photo_id, job_id=job.id, author_id=caller.id, content_type=content_type,
                  visibility=_writable_visibility(caller, job, visibility), created_at=clock.now(),
                  object_key=f"{caller.org_id}/{job.id}/{photo_id}.{PHOTO_TYPES[content_type]}")
    repos.notes.add_photo(caller.org_id, photo)
    return photo, repos.uploads.upload_url(photo.object_key, photo.content_type)


def photos_origin(repos: Repositories) -> str:
    """Where the technician's app uploads and shows photos from (its CSP names it)."""
    return repos.uploads.origin()


def list_photos(repos: Repositories, caller: Caller, job_id: str, limit: int,
                next_token: str | None) -> Page[tuple[Photo, str]]:
    """The photos the caller may see, each with a presigned download URL."""
    job = visible_job(repos, caller, job_id)
    page = repos.notes.list_photos(caller.org_id, job.id, not caller.sees_private(job), limit, next_token)
    return Page([(p, repos.uploads.download_url(p.object_key)) for p in page.items], page.next_token)
