"""The repositories the services use, bundled; stateless, so one shared instance is enough.

Each field is typed with its port (services/ports.py), and every one must be given: services depend on
what a repository promises, never on an adapter. bootstrap.store_repositories() bundles the PynamoDB
adapters from store/; tests pass in-memory twins from tests/fakes."""
from dataclasses import dataclass

from . import ports


@dataclass(frozen=True)
class Repositories:
    organizations: ports.OrganizationRepository
    users: ports.UserRepository
    locations: ports.LocationRepository
    customers: ports.CustomerRepository
    contacts: ports.ContactRepository  # the customer's people: the primary contact is the customer
    contexts: ports.RecipientContexts  # what a text needs besides the job
    jobs: ports.JobRepository
    notes: ports.NoteRepository
    messages: ports.MessageLedger
    settings: ports.MessagingSettingsStore
    timers: ports.TimerRepository
    due: ports.DueIndex  # what the sweep acts on, and its watermark
    queues: ports.QueueRepository
    inbox: ports.InboxRepository
    directory: ports.UserDirectory
    links: ports.LinkResolver
    feedback: ports.FeedbackRepository
    estimates: ports.EstimateRepository
    orders: ports.OrderRepository
    channels: ports.ChannelSettingsStore
    classification: ports.ClassificationStore
    uploads: ports.PhotoUploads  # photo bytes: presigned S3 URLs
    consent: ports.ConsentRecords  # every opt-in, opt-out and HELP, per address
    rates: ports.SendRates  # what each origination identity may send
    bookings: ports.BookingRequests  # the public booking page's requests and their counters
    customer_pages: ports.CustomerPageReader
    frames: ports.FrameRepository
    tallies: ports.Tallies  # the analytics counters
    changes: ports.ChangeReader  # the stream's records, read
