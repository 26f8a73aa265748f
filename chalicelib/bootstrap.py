"""The wiring: the one place that builds what talks to AWS, once per Lambda container and only when first
needed (cold starts pay for nothing they do not use), and hands it to the services. Handlers and routes take
their adapters from here; tests and the local stage swap them here (`use`, `reset`), never by patching
module globals.

What talks to AWS, and through which adapter:
- DynamoDB, the table TABLE_NAME: every repository of `repos()` (chalicelib/store, PynamoDB), and the
  inbound messages' idempotency records (`idempotency()`, Powertools, in the same table).
- S3, the bucket PHOTOS_BUCKET: presigned photo uploads (store/uploads.py, through `repos().uploads`).
- Cognito, USER_POOL_ID: the user directory on a deployed stage (store/directory.py, `repos().directory`).
- SMS: SNS `Publish` or End User Messaging `SendTextMessage`, as SMS_CHANNEL says (notify/sms.py).
- WhatsApp: End User Messaging Social `SendWhatsAppMessage` (notify/whatsapp.py).
- Email: SES v2 `SendEmail` (notify/email.py).
- Voice: End User Messaging `SendVoiceMessage` for escalations (notify/voice.py).
- SQS, the urgent and routine text queues: claimed SMS wait there for the drainer, which sends them at
  each origination identity's rate (notify/queue.py, services/outbox/drain.py).
The senders and the text queues form one `Senders` (notify/senders.py): `senders()`.
The clock is wired here too: `clock.now()` reads the source installed by `use(clock=...)` (the real one
unless a test or the local stage's simulated clock says otherwise)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from . import clock as clock_source

if TYPE_CHECKING:
    from datetime import datetime

    from .notify.senders import Senders
    from .services.repositories import Repositories

_built: dict[str, Any] = {}


def repos() -> Repositories:
    if "repos" not in _built:
        _built["repos"] = store_repositories()
    return _built["repos"]


def store_repositories() -> Repositories:
    """Every port on its store/ adapter (PynamoDB on TABLE_NAME, S3, Cognito): what `repos()` holds unless a
    test or the local stage swapped it. The adapters are stateless and connect on first use."""
    from .services.repositories import Repositories
    from .store.booking import Bookings
    from .store.changes import Changes
    from .store.channels import Channels
    from .store.consent import Consents
    from .store.contacts import Contacts
    from .store.context import Contexts
    from .store.customer_page import CustomerPages
    from .store.customers import Customers
    from .store.directory import Directory
    from .store.due import Due
    from .store.estimates import Estimates
    from .store.feedback import Feedbacks
    from .store.frames import Frames
    from .store.inbox import Inbox
    from .store.intake import ClassificationSettings, Orders
    from .store.jobs import Jobs
    from .store.links import Links
    from .store.messages import Messages
    from .store.notes import Notes
    from .store.people import Locations, Organizations, Users
    from .store.queues import Queues
    from .store.rates import SendRates
    from .store.settings import MessagingSettingsRepository
    from .store.tallies import Tallies
    from .store.timers import Timers
    from .store.uploads import Uploads
    return Repositories(
        organizations=Organizations(), users=Users(), locations=Locations(), customers=Customers(),
        contacts=Contacts(),        contexts=Contexts(), jobs=Jobs(), notes=Notes(), messages=Messages(), settings=MessagingSettingsRepository(),
        timers=Timers(), due=Due(), queues=Queues(), inbox=Inbox(), directory=Directory(), links=Links(),
        feedback=Feedbacks(), estimates=Estimates(), orders=Orders(), channels=Channels(), classification=ClassificationSettings(),
        uploads=Uploads(), consent=Consents(), rates=SendRates(), bookings=Bookings(), customer_pages=CustomerPages(),
        frames=Frames(), tallies=Tallies(), changes=Changes())


def senders() -> Senders:
    if "senders" not in _built:
        from .notify.email import EmailSender
        from .notify.queue import TextQueue
        from .notify.senders import Senders
        from .notify.sms import configured
        from .notify.voice import VoiceCaller
        from .notify.whatsapp import WhatsAppSender
        _built["senders"] = Senders(sms=configured(), whatsapp=WhatsAppSender(), email=EmailSender(),
                                    voice=VoiceCaller(), texts=TextQueue())
    return _built["senders"]


def idempotency(channel: str, key_path: str = "inbound_id", validate: str | None = None):
    """The Powertools persistence layer and config that make an inbound message count once per id, or an
    API request once per Idempotency-Key (its records live in the table, under IDEMPOTENCY#{channel})."""
    key = f"idempotency:{channel}"
    if key not in _built:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

        from .config import environment
        persistence = DynamoDBPersistenceLayer(table_name=environment().table_name, key_attr="pk",
                                               sort_key_attr="sk", static_pk_value=f"IDEMPOTENCY#{channel}",
                                               expiry_attr="expires_at")
        config = IdempotencyConfig(event_key_jmespath=key_path, payload_validation_jmespath=validate,
                                   expires_after_seconds=7 * 24 * 3600)
        _built[key] = (persistence, config)
    return _built[key]


def use(*, repos: Repositories | None = None, clock: Callable[[], datetime] | None = None, **senders_: Any) -> None:
    """Swap adapters: `repos=`, `clock=` (a function returning now), or any sender by name (`sms=`,
    `whatsapp=`, `email=`, `voice=`, `texts=`), the others staying as they are."""
    if repos is not None:
        _built["repos"] = repos
    if clock is not None:
        clock_source.set_clock(clock)
    if senders_:
        _built["senders"] = replace(senders(), **senders_)


def reset() -> None:
    """Back to the adapters the environment configures and the real clock (between tests)."""
    _built.clear()
    clock_source.reset()
