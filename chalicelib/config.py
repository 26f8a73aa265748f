"""The deployment environment (table, bucket, region, link domain, channels), read from the process
environment at the moment it is needed (never at import):
`chalice.test.Client` and Lambda both set the environment after the module is loaded."""
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Environment:
    stage: str
    table_name: str
    photos_bucket: str
    region: str
    link_base_url: str  # where the links in texts point: a short custom domain keeps texts in one segment
    sms_channel: str  # "sns" or "end_user_messaging"
    sms_configuration_set: str | None
    user_pool_id: str | None  # set on a deployed stage: users are enrolled in Cognito
    email_configuration_set: str | None = None  # SES: its event destination is the onmyway-sms-events topic
    # The send-rate governor (services/outbox/drain.py): SMS texts leave through these queues when both are set.
    urgent_texts_queue_url: str | None = None
    routine_texts_queue_url: str | None = None
    # An urgent text queued rings this queue, whose event source starts the drainer if none is running.
    text_bell_queue_url: str | None = None
    text_drain_seconds: float = 50.0  # how long one drainer run sends before leaving the rest to the next
    quiet_release_minutes: int = 60  # held texts go out over this long after quiet hours, not all at once
    due_shards: int = 4  # partitions per hour of the due index (bench/capacity sizes it)
    sweep_workers: int = 12  # due items a sweep run acts on at once (I/O bound: threads); more, and the
    # 8:00 burst reads the organization's partition past half its limit (bench/capacity)
    sweep_seconds: float = 50.0  # how long one sweep run acts before leaving the rest to the next
    tally_shards: int = 4  # partitions per analytics dimension (bench/capacity sizes it)

    def link_url(self, token: str) -> str:
        """The customer's page a link token opens."""
        return f"{self.link_base_url}/c/{token}"


def environment() -> Environment:
    env = os.environ
    return Environment(
        stage=env.get("ONMYWAY_STAGE", "dev"),
        table_name=env.get("TABLE_NAME", "onmyway"),
        photos_bucket=env.get("PHOTOS_BUCKET", "onmyway-photos"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
        link_base_url=env.get("LINK_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        sms_channel=env.get("SMS_CHANNEL", "sns"),
        sms_configuration_set=env.get("SMS_CONFIGURATION_SET") or None,
        user_pool_id=env.get("USER_POOL_ID") or None,
        email_configuration_set=env.get("EMAIL_CONFIGURATION_SET") or None,
        urgent_texts_queue_url=env.get("URGENT_TEXTS_QUEUE_URL") or None,
        routine_texts_queue_url=env.get("ROUTINE_TEXTS_QUEUE_URL") or None,
        text_bell_queue_url=env.get("TEXT_BELL_QUEUE_URL") or None,
        text_drain_seconds=float(env.get("TEXT_DRAIN_SECONDS", "50")),
        quiet_release_minutes=int(env.get("QUIET_RELEASE_MINUTES", "60")),
        due_shards=int(env.get("DUE_SHARDS", "4")),
        sweep_workers=int(env.get("SWEEP_WORKERS", "12")),
        sweep_seconds=float(env.get("SWEEP_SECONDS", "50")),
        tally_shards=int(env.get("TALLY_SHARDS", "4")),
    )
