"""An organization's channel settings (WhatsApp number and templates, email sender, confirmation chains)."""
import json
from datetime import datetime

from ..domain.channels import ChannelSettings, WhatsAppTemplate, describe_chain, parse_chain
from . import keys
from .models import ChannelSettingsItem, bind

SK = "SETTINGS#channels"


def from_item(item: ChannelSettingsItem) -> ChannelSettings:
    d = json.loads(item.document)
    return ChannelSettings(
        whatsapp_phone_number_id=d.get("whatsapp_phone_number_id"),
        whatsapp_templates={k: WhatsAppTemplate(v["name"], v["language"], tuple(v["parameters"]))
                            for k, v in d.get("whatsapp_templates", {}).items()},
        email_from=d.get("email_from"),
        chains=tuple((datetime.fromisoformat(since), parse_chain(steps)) for since, steps in d.get("chains", [])))


class Channels:
    def get(self, org_id: str) -> ChannelSettings:
        bind()
        try:
            return from_item(ChannelSettingsItem.get(keys.org(org_id), SK))
        except ChannelSettingsItem.DoesNotExist:
            return ChannelSettings()

    def save(self, org_id: str, s: ChannelSettings) -> None:
        bind()
        document = {
            "whatsapp_phone_number_id": s.whatsapp_phone_number_id, "email_from": s.email_from,
            "whatsapp_templates": {k: {"name": t.name, "language": t.language, "parameters": list(t.parameters)}
                                   for k, t in s.whatsapp_templates.items()},
            "chains": [[keys.stamp(since), describe_chain(steps)] for since, steps in s.chains]}
        ChannelSettingsItem(pk=keys.org(org_id), sk=SK, document=json.dumps(document)).save()
