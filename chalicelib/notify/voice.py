"""Voice messages for escalations: AWS End User Messaging `send_voice_message` (text to speech)."""
from functools import cache


@cache
def _client():
    import boto3
    return boto3.client("pinpoint-sms-voice-v2")


def place_voice_message(to: str, origination: str, text: str, client=None) -> str:
    response = (client or _client()).send_voice_message(
        DestinationPhoneNumber=to, OriginationIdentity=origination, MessageBody=text, MessageBodyTextType="TEXT",
        VoiceId="JOANNA")
    return response["MessageId"]
