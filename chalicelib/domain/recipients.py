"""Everything a text needs besides the job: the organization, its messaging settings, the customer, the
technician and the location."""
from dataclasses import dataclass

from .channels import ChannelSettings
from .consent import ConsentRecord
from .customers import Customer
from .people import Location, Organization, User
from .quiet_hours import for_place
from .scenarios import MessagingSettings, QuietHours


@dataclass
class RecipientContext:
    org: Organization
    settings: MessagingSettings
    customer: Customer
    technician: User | None
    location: Location | None
    channels: ChannelSettings = ChannelSettings()
    consent: tuple[ConsentRecord, ...] = ()  # the records of the customer's phone and email, oldest first

    @property
    def time_zone(self) -> str:
        """The customer's, else the location's, else the organization's."""
        return self.customer.time_zone or (self.location and self.location.time_zone) or self.org.time_zone

    @property
    def quiet_hours(self) -> QuietHours:
        """The customer's: by the place of their address, else the organization's own."""
        return for_place(self.settings, self.customer.region)
