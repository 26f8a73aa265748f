"""Notes, photos and staff messages live in their job's partition, in creation order."""
from ..domain.notes import Note, Photo, StaffMessage, Visibility
from . import keys
from .db import page_of
from .mapping import note_of
from .models import Entity, NoteItem, PhotoItem, StaffMessageItem, bind
from .paging import Page


def _photo(i: PhotoItem) -> Photo:
    return Photo(id=i.photo_id, job_id=i.job_id, author_id=i.author_id, content_type=i.content_type,
                 visibility=Visibility(i.visibility), object_key=i.object_key, created_at=i.created_at)


def staff_message_of(i: StaffMessageItem) -> StaffMessage:
    return StaffMessage(i.message_id, i.org_id, i.job_id, i.author_id, tuple(i.to), i.body, i.created_at)


class Notes:
    def add(self, org_id: str, note: Note) -> None:
        bind()
        NoteItem(pk=keys.job(org_id, note.job_id), sk=f"NOTE#{keys.stamp(note.created_at)}#{note.id}",
                 org_id=org_id, job_id=note.job_id, note_id=note.id, author_id=note.author_id, text=note.text,
                 visibility=note.visibility.value, created_at=note.created_at,
                 ).save(condition=Entity.pk.does_not_exist())

    def add_photo(self, org_id: str, photo: Photo) -> None:
        bind()
        PhotoItem(pk=keys.job(org_id, photo.job_id), sk=f"PHOTO#{keys.stamp(photo.created_at)}#{photo.id}",
                  org_id=org_id, job_id=photo.job_id, photo_id=photo.id, author_id=photo.author_id,
                  content_type=photo.content_type, visibility=photo.visibility.value, object_key=photo.object_key,
                  created_at=photo.created_at).save(condition=Entity.pk.does_not_exist())

    def list(self, org_id: str, job_id: str, public_only: bool, limit: int, next_token: str | None) -> Page[Note]:
        public = NoteItem.visibility == Visibility.PUBLIC.value if public_only else None
        return page_of(NoteItem, keys.job(org_id, job_id), "NOTE#", note_of, limit, next_token, public)

    def list_photos(self, org_id: str, job_id: str, public_only: bool, limit: int,
                    next_token: str | None) -> Page[Photo]:
        public = PhotoItem.visibility == Visibility.PUBLIC.value if public_only else None
        return page_of(PhotoItem, keys.job(org_id, job_id), "PHOTO#", _photo, limit, next_token, public)

    def add_staff_message(self, m: StaffMessage) -> None:
        bind()
        StaffMessageItem(pk=keys.job(m.org_id, m.job_id), sk=f"STAFF#{keys.stamp(m.created_at)}#{m.id}", org_id=m.org_id,
                         job_id=m.job_id, message_id=m.id, author_id=m.author_id, to=list(m.to), body=m.body,
                         created_at=m.created_at).save(condition=Entity.pk.does_not_exist())

    def staff_messages(self, org_id: str, job_id: str) -> "list[StaffMessage]":
        """Oldest first: one Query on the job's partition."""
        bind()
        return [staff_message_of(i) for i in StaffMessageItem.query(
            keys.job(org_id, job_id), StaffMessageItem.sk.startswith("STAFF#"), consistent_read=True)]
