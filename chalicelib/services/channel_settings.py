"""The dispatcher's channel settings: WhatsApp number and templates, email sender, confirmation chain."""
from dataclasses import replace

from .. import clock
from ..domain.channels import FREE_TEXT, ChannelSettings, WhatsAppTemplate, describe_chain, parse_chain
from ..domain.errors import ValidationError
from ..domain.people import Role
from ..domain.scenarios import DEFAULTS, ScenarioName
from .access import Caller
from .repositories import Repositories

MAX_CHAINS = 20  # earlier chains kept for the appointments booked under them


def get(repos: Repositories, caller: Caller) -> ChannelSettings:
    caller.require(Role.DISPATCHER)
    return repos.channels.get(caller.org_id)


def update(repos: Repositories, caller: Caller, fields: dict) -> ChannelSettings:
    """Merge the given fields; a new chain applies to appointments booked from now on. Refused whole (400,
    nothing stored) if a template names an unknown scenario or variable, or a chain step is unknown."""
    caller.require(Role.DISPATCHER)
    current = repos.channels.get(caller.org_id)
    changes = {k: fields[k] for k in ("whatsapp_phone_number_id", "email_from") if k in fields}
    if "whatsapp_templates" in fields:
        templates = {}
        for key, t in (fields["whatsapp_templates"] or {}).items():
            allowed = {"body"} if key == FREE_TEXT else None
            if allowed is None:
                try:
                    allowed = DEFAULTS[ScenarioName(key)].variables
                except ValueError:
                    raise ValidationError(f"whatsapp_templates.{key}", "is not a scenario (or free_text)") from None
            for n, name in enumerate(t["parameters"]):
                if name not in allowed:
                    raise ValidationError(f"whatsapp_templates.{key}.parameters.{n}",
                                          f"{name!r} is not a variable of {key}: {', '.join(sorted(allowed))}")
            templates[key] = WhatsAppTemplate(t["name"], t["language"], tuple(t["parameters"]))
        changes["whatsapp_templates"] = templates
    if fields.get("confirmation_chain") is not None:
        steps = parse_chain(fields["confirmation_chain"])
        changes["chains"] = (current.chains + ((clock.now(), steps),))[-MAX_CHAINS:]
    updated = replace(current, **changes)
    repos.channels.save(caller.org_id, updated)
    return updated


def describe(s: ChannelSettings) -> dict:
    return {"whatsapp_phone_number_id": s.whatsapp_phone_number_id, "email_from": s.email_from,
            "whatsapp_templates": {k: {"name": t.name, "language": t.language, "parameters": list(t.parameters)}
                                   for k, t in s.whatsapp_templates.items()},
            "confirmation_chain": describe_chain(s.chain_for(clock.now()))}
