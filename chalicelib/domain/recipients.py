"""Everything a text needs besides the job: the organization, its messaging settings, the customer, the
technician and the location."""
from dataclasses import dataclass

from .channels import ChannelSettings
from .customers import Customer
from .people import Location, Organization, User
from .scenarios import MessagingSettings


@dataclass
class RecipientContext:
    org: Organization
    settings: MessagingSettings
    customer: Customer
    technician: User | None
    location: Location | None
    channels: ChannelSettings = ChannelSettings()

    @property
    def time_zone(self) -> str:
        """The customer's, else the location's, else the organization's."""
        return self.customer.time_zone or (self.location and self.location.time_zone) or self.org.time_zone
