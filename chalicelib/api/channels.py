"""Channel settings: WhatsApp, email and the confirmation chain."""
from chalice import Blueprint

from .. import bootstrap
from ..domain.people import Role
from .routing import Call, endpoint

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/settings/channels", "WhatsApp, email and the confirmation chain", roles=(Role.DISPATCHER,),
          response="channels_schemas.ChannelsOut")
def get_channels(call: Call):
    from ..services import channel_settings
    return channel_settings.describe(channel_settings.get(bootstrap.repos(), call.caller))


@endpoint(bp, "PUT", "/settings/channels", "Change WhatsApp, email or the confirmation chain (given fields only)",
          roles=(Role.DISPATCHER,), body="channels_schemas.ChannelsIn", response="channels_schemas.ChannelsOut")
def put_channels(call: Call):
    from ..services import channel_settings
    given = call.body.model_fields_set  # the fields sent, each whole (with its defaults)
    fields = {k: v for k, v in call.body.model_dump().items() if k in given}
    return channel_settings.describe(channel_settings.update(bootstrap.repos(), call.caller, fields))
