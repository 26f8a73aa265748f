"""Everything a text needs besides the job, in one BatchGetItem; with `consent`, a Query per address of the
customer for its consent records (what sending needs, and nothing else)."""
from ..domain.channels import ChannelSettings
from ..domain.errors import NotFound
from ..domain.recipients import RecipientContext
from ..domain.scenarios import MessagingSettings
from . import keys
from .channels import SK as CHANNELS_SK
from .channels import from_item as channels_from_item
from .consent import Consents
from .contacts import contact_key, contact_of
from .mapping import customer_of, location_of, org_of, user_of
from .models import (
    ChannelSettingsItem,
    ContactItem,
    CustomerItem,
    Entity,
    LocationItem,
    MessagingSettingsItem,
    OrganizationItem,
    UserItem,
    bind,
)
from .settings import SK as SETTINGS_SK
from .settings import MessagingSettingsRepository


class Contexts:
    """`shared`: the organization's own items (profile, settings, channels, technicians, locations) already
    read by this loader, or None to read everything every time; with `customers`, its customers too."""

    def __init__(self, shared: dict | None = None, customers: bool = False):
        self._shared = shared
        self._customers = customers

    def for_run(self) -> "Contexts":
        """A loader for one sweep run (under a minute): the organization's own items are read once for the
        run, not once per due item, so the 8:00 reminders of a large zone do not all read the organization's
        partition (bench/capacity). The customer is read every time: an opt-out stops the next text."""
        return Contexts({})

    def for_change(self) -> "Contexts":
        """A loader for the reactions to one stored change (milliseconds): everything, the customer included,
        is read once, so the change's timers and its texts share one BatchGetItem."""
        return Contexts({}, customers=True)

    def settings(self, org_id: str) -> MessagingSettings:
        """The organization's messaging settings (read once a run, as in `load`)."""
        key = (keys.org(org_id), SETTINGS_SK)
        if self._shared is None or key not in self._shared:
            bind()
            found = list(Entity.batch_get([key]))
            item = found[0] if found else None
            if self._shared is None:
                return MessagingSettingsRepository.from_item(item) if item else MessagingSettings()
            self._shared[key] = item
        item = self._shared[key]
        return MessagingSettingsRepository.from_item(item) if item else MessagingSettings()

    def load(self, org_id: str, customer_id: str, technician_id: str | None,
             location_id: str | None, *, consent: bool = False, contact_id: str | None = None) -> RecipientContext:
        bind()
        customer = (keys.org(org_id), f"CUST#{customer_id}")
        wanted = [(keys.org(org_id), "PROFILE"), (keys.org(org_id), SETTINGS_SK), customer,
                  (keys.org(org_id), CHANNELS_SK)]
        if contact_id:
            wanted.append(contact_key(org_id, customer_id, contact_id))
        if technician_id:
            wanted.append((keys.org(org_id), f"USER#{technician_id}"))
        if location_id:
            wanted.append((keys.org(org_id), f"LOC#{location_id}"))
        kept = wanted if self._customers else [k for k in wanted if k != customer]
        known = {} if self._shared is None else {k: self._shared[k] for k in kept if k in self._shared}
        read = {(i.pk, i.sk): i for i in Entity.batch_get([k for k in wanted if k not in known])}  # none: no call
        if self._shared is not None:  # what is absent is remembered too (no settings saved: the defaults)
            self._shared.update({k: read.get(k) for k in kept if k not in known})
        found = {type(i): i for i in (*known.values(), *read.values()) if i is not None}
        if OrganizationItem not in found or CustomerItem not in found:
            raise NotFound("customer")
        settings_item = found.get(MessagingSettingsItem)
        person = customer_of(found[CustomerItem])
        if contact_id:  # the text or page is theirs: their name and addresses at the customer's place
            if ContactItem not in found:
                raise NotFound("contact")
            person = contact_of(found[ContactItem]).as_addressee(person)
        return RecipientContext(
            consent=tuple(sorted((r for address in {person.phone, person.email} - {None}
                                  for r in Consents().of_address(org_id, address)), key=lambda r: r.at))
            if consent else (),
            org=org_of(found[OrganizationItem]),
            settings=MessagingSettingsRepository.from_item(settings_item) if settings_item else MessagingSettings(),
            customer=person,
            technician=user_of(found[UserItem]) if UserItem in found else None,
            location=location_of(found[LocationItem]) if LocationItem in found else None,
            channels=channels_from_item(found[ChannelSettingsItem]) if ChannelSettingsItem in found
            else ChannelSettings())
