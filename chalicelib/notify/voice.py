"""Voice messages for escalations: AWS End User Messaging `send_voice_message` (text to speech)."""


class VoiceCaller:
    def __init__(self, client=None):
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3
            self._client = boto3.client("pinpoint-sms-voice-v2")
        return self._client

    def place(self, to: str, origination: str, text: str) -> str:
        response = self.client.send_voice_message(
            DestinationPhoneNumber=to, OriginationIdentity=origination, MessageBody=text,
            MessageBodyTextType="TEXT", VoiceId="JOANNA")
        return response["MessageId"]
