"""Settings, read from the environment at the moment they are needed (never at import):
`chalice.test.Client` and Lambda both set the environment after the module is loaded."""
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    stage: str
    table_name: str
    photos_bucket: str
    region: str


def settings() -> Settings:
    env = os.environ
    return Settings(
        stage=env.get("ONMYWAY_STAGE", "dev"),
        table_name=env.get("TABLE_NAME", "onmyway"),
        photos_bucket=env.get("PHOTOS_BUCKET", "onmyway-photos"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
    )
