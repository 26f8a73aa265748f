"""The repositories the services use, bundled; stateless, so one shared instance is enough."""
from dataclasses import dataclass, field

from ..store.channels import Channels
from ..store.customers import Customers
from ..store.directory import Directory
from ..store.feedback import Feedbacks
from ..store.jobs import Jobs
from ..store.links import Links
from ..store.messages import Messages
from ..store.notes import Notes
from ..store.people import Locations, Organizations, Users
from ..store.inbox import Inbox
from ..store.intake import ClassificationSettings, Orders
from ..store.queues import Queues
from ..store.settings import MessagingSettingsRepository
from ..store.timers import Timers


@dataclass(frozen=True)
class Repositories:
    organizations: Organizations = field(default_factory=Organizations)
    users: Users = field(default_factory=Users)
    locations: Locations = field(default_factory=Locations)
    customers: Customers = field(default_factory=Customers)
    jobs: Jobs = field(default_factory=Jobs)
    notes: Notes = field(default_factory=Notes)
    messages: Messages = field(default_factory=Messages)
    settings: MessagingSettingsRepository = field(default_factory=MessagingSettingsRepository)
    timers: Timers = field(default_factory=Timers)
    queues: Queues = field(default_factory=Queues)
    inbox: Inbox = field(default_factory=Inbox)
    directory: Directory = field(default_factory=Directory)
    links: Links = field(default_factory=Links)
    feedback: Feedbacks = field(default_factory=Feedbacks)
    orders: Orders = field(default_factory=Orders)
    channels: Channels = field(default_factory=Channels)
    classification: ClassificationSettings = field(default_factory=ClassificationSettings)
