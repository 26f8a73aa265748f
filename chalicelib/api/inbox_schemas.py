"""Response model of the inbox (api/inbox.py); also the OpenAPI document's schema."""
from datetime import datetime

from .schemas import Out


class InboxItemOut(Out):
    id: str
    job_id: str
    message_id: str
    body: str
    created_at: datetime
    read: bool
