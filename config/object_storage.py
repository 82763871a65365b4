"""The object-storage part of STORAGES, read from the environment (settings and the tests call it).

Off unless S3_BUCKET is set; then the public media go to S3_BUCKET and the private files to S3_PRIVATE_BUCKET, a
second bucket that is never public. See docs/operations.md ("Object storage")."""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured


class ObjectStorageMisconfigured(ImproperlyConfigured):
    pass


def storages_from_env(environ: Mapping[str, str]) -> dict | None:
    """The "default" (public media) and "private" entries of STORAGES, or None when object storage is off."""
    public_bucket = environ.get("S3_BUCKET", "").strip()
    if not public_bucket:
        return None
    private_bucket = environ.get("S3_PRIVATE_BUCKET", "").strip()
    if not private_bucket or private_bucket == public_bucket:
        raise ObjectStorageMisconfigured(
            "S3_PRIVATE_BUCKET must name a second bucket, other than S3_BUCKET: private files never share the "
            "public media's bucket."
        )
    common = {
        "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
        "region_name": environ.get("S3_REGION") or None,
        "access_key": environ.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("S3_SECRET_ACCESS_KEY") or None,
        "file_overwrite": False,  # like the file system: a new name rather than overwriting someone's file
    }
    return {
        "default": {
            "BACKEND": "compagnons.core.object_storage.PublicObjectStorage",
            "OPTIONS": {
                **common,
                "bucket_name": public_bucket,
                "default_acl": environ.get("S3_PUBLIC_ACL", "public-read") or None,
                "querystring_auth": False,
                "custom_domain": environ.get("S3_MEDIA_DOMAIN") or None,
            },
        },
        "private": {
            "BACKEND": "compagnons.core.object_storage.PrivateObjectStorage",
            "OPTIONS": {
                **common,
                "bucket_name": private_bucket,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
            },
        },
    }
