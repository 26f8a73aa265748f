"""The WhatsApp adapter: AWS End User Messaging Social (`socialmessaging` `send_whatsapp_message`), which
carries a Meta Cloud API message from the organization's linked WhatsApp phone number."""
import json

META_API_VERSION = "v20.0"


class WhatsAppSender:
    def __init__(self, client=None):
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3
            self._client = boto3.client("socialmessaging")
        return self._client

    def send(self, phone_number_id: str, message: dict) -> str:
        """Send one message; the provider's message id. Raises on failure."""
        return self.client.send_whatsapp_message(originationPhoneNumberId=phone_number_id,
                                                 message=json.dumps(message).encode(),
                                                 metaApiVersion=META_API_VERSION)["messageId"]
