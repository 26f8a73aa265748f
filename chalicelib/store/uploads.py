"""Photo bytes go straight between the app and S3 through presigned URLs; the API never carries them."""
from functools import cache
from urllib.parse import urlsplit

from ..config import environment

URL_TTL_SECONDS = 900


@cache
def _s3(region: str):
    import boto3  # lazily: only photo requests pay for it
    from botocore.config import Config
    return boto3.client("s3", region_name=region, config=Config(signature_version="s3v4"))


class Uploads:
    def upload_url(self, object_key: str, content_type: str) -> str:
        s = environment()
        return _s3(s.region).generate_presigned_url(
            "put_object", Params={"Bucket": s.photos_bucket, "Key": object_key, "ContentType": content_type},
            ExpiresIn=URL_TTL_SECONDS)

    def download_url(self, object_key: str) -> str:
        s = environment()
        return _s3(s.region).generate_presigned_url(
            "get_object", Params={"Bucket": s.photos_bucket, "Key": object_key}, ExpiresIn=URL_TTL_SECONDS)

    def origin(self) -> str:
        """Where the browser sends and fetches the bytes (the web app's CSP allows it): the presigned URLs'
        scheme and host, as boto3 writes them for this bucket and region (no request is made)."""
        s = environment()
        return _origin(s.region, s.photos_bucket)


@cache
def _origin(region: str, bucket: str) -> str:
    parts = urlsplit(_s3(region).generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                                        ExpiresIn=60))
    return f"{parts.scheme}://{parts.netloc}"
