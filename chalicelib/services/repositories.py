"""The repositories the services use, bundled; stateless, so one shared instance is enough.

Each field is typed with its port (services/ports.py): services depend on what a repository promises,
and the default is the PynamoDB adapter from store/ (tests pass in-memory twins from tests/fakes)."""
from dataclasses import dataclass, field

from ..store.channels import Channels
from ..store.consent import Consents
from ..store.context import Contexts
from ..store.customers import Customers
from ..store.directory import Directory
from ..store.due import Due
from ..store.feedback import Feedbacks
from ..store.inbox import Inbox
from ..store.intake import ClassificationSettings, Orders
from ..store.jobs import Jobs
from ..store.links import Links
from ..store.messages import Messages
from ..store.notes import Notes
from ..store.people import Locations, Organizations, Users
from ..store.queues import Queues
from ..store.rates import SendRates
from ..store.settings import MessagingSettingsRepository
from ..store.timers import Timers
from ..store.uploads import Uploads
from . import ports


@dataclass(frozen=True)
class Repositories:
    organizations: ports.OrganizationRepository = field(default_factory=Organizations)
    users: ports.UserRepository = field(default_factory=Users)
    locations: ports.LocationRepository = field(default_factory=Locations)
    customers: ports.CustomerRepository = field(default_factory=Customers)
    contexts: ports.RecipientContexts = field(default_factory=Contexts)  # what a text needs besides the job
    jobs: ports.JobRepository = field(default_factory=Jobs)
    notes: ports.NoteRepository = field(default_factory=Notes)
    messages: ports.MessageLedger = field(default_factory=Messages)
    settings: ports.MessagingSettingsStore = field(default_factory=MessagingSettingsRepository)
    timers: ports.TimerRepository = field(default_factory=Timers)
    due: ports.DueIndex = field(default_factory=Due)  # what the sweep acts on, and its watermark
    queues: ports.QueueRepository = field(default_factory=Queues)
    inbox: ports.InboxRepository = field(default_factory=Inbox)
    directory: ports.UserDirectory = field(default_factory=Directory)
    links: ports.LinkResolver = field(default_factory=Links)
    feedback: ports.FeedbackRepository = field(default_factory=Feedbacks)
    orders: ports.OrderRepository = field(default_factory=Orders)
    channels: ports.ChannelSettingsStore = field(default_factory=Channels)
    classification: ports.ClassificationStore = field(default_factory=ClassificationSettings)
    uploads: ports.PhotoUploads = field(default_factory=Uploads)  # photo bytes: presigned S3 URLs
    consent: ports.ConsentRecords = field(default_factory=Consents)  # every opt-in, opt-out and HELP, per address
    rates: ports.SendRates = field(default_factory=SendRates)  # what each origination identity may send
