"""The two SMS adapters against the real AWS service models (botocore Stubber: moto has no End User
Messaging SMS), and SNS through moto as the end-to-end tests use it."""
import boto3
import pytest
from botocore.stub import Stubber

from chalicelib.notify import sms
from chalicelib.notify.sms import EndUserMessagingSender, SnsSender


def test_end_user_messaging_sends_a_transactional_text_with_the_configuration_set():
    client = boto3.client("pinpoint-sms-voice-v2", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("send_text_message", {"MessageId": "eum-1"}, {
            "DestinationPhoneNumber": "+13035550177", "OriginationIdentity": "+13035550100",
            "MessageBody": "Acme: Ana is on the way", "MessageType": "TRANSACTIONAL",
            "ConfigurationSetName": "onmyway-events"})
        sender = EndUserMessagingSender(client, configuration_set="onmyway-events")
        assert sender.send("+13035550177", "Acme: Ana is on the way", "+13035550100") == "eum-1"
        stub.assert_no_pending_responses()


def test_end_user_messaging_failure_is_raised_for_a_retry():
    client = boto3.client("pinpoint-sms-voice-v2", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("send_text_message", "ThrottlingException", http_status_code=429)
        with pytest.raises(client.exceptions.ThrottlingException):
            EndUserMessagingSender(client).send("+13035550177", "hi", "+13035550100")


def test_sns_publishes_a_transactional_sms_from_the_organization_number():
    client = boto3.client("sns", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("publish", {"MessageId": "sns-1"}, {
            "PhoneNumber": "+13035550177", "Message": "hello",
            "MessageAttributes": {
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                "AWS.MM.SMS.OriginationNumber": {"DataType": "String", "StringValue": "+13035550100"}}})
        assert SnsSender(client).send("+13035550177", "hello", "+13035550100") == "sns-1"


def test_the_channel_is_a_setting(monkeypatch):
    monkeypatch.setenv("SMS_CHANNEL", "end_user_messaging")
    assert isinstance(sms.configured(), EndUserMessagingSender)
    monkeypatch.setenv("SMS_CHANNEL", "sns")
    assert isinstance(sms.configured(), SnsSender)
    monkeypatch.setenv("SMS_CHANNEL", "pigeon")
    with pytest.raises(ValueError):
        sms.configured()


def test_escalation_voice_message_through_end_user_messaging():
    from chalicelib.notify.voice import VoiceCaller
    client = boto3.client("pinpoint-sms-voice-v2", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("send_voice_message", {"MessageId": "voice-1"}, {
            "DestinationPhoneNumber": "+13035550177", "OriginationIdentity": "+13035550199",
            "MessageBody": "Please confirm", "MessageBodyTextType": "TEXT", "VoiceId": "JOANNA"})
        assert VoiceCaller(client).place("+13035550177", "+13035550199", "Please confirm") == "voice-1"
        stub.assert_no_pending_responses()
