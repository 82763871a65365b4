"""Media and private files in S3-compatible object storage (django-storages), when S3_BUCKET is set
(`config/object_storage.py` reads the environment; docs/operations.md, "Object storage").

Imported only when STORAGES names these classes, so that boto3 is not loaded by a site on the file system.
An object exists only once its upload is complete: a failed upload leaves no half-written object, and a store that
does not answer is a `StorageUnavailable` (a `Refused`: the form shows its message and keeps what was typed)."""

from botocore.exceptions import BotoCoreError, ClientError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from storages.backends.s3 import S3Storage

from compagnons.core.exceptions import StorageUnavailable

PRIVATE_URL_SECONDS_MAX = 300


class _ObjectStorage(S3Storage):
    def save(self, name, content, max_length=None):
        try:  # the name's check (a HEAD) and the upload
            return super().save(name, content, max_length=max_length)
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(
                _(
                    "Le stockage des fichiers ne répond pas : rien n'a été enregistré. Réessayez dans quelques "
                    "minutes ; l'équipe technique est prévenue par la supervision."
                )
            ) from error


@deconstructible
class PublicObjectStorage(_ObjectStorage):
    """Public media in S3_BUCKET (readable by whoever has the URL, as MEDIA_ROOT is behind the proxy)."""


@deconstructible
class PrivateObjectStorage(_ObjectStorage):
    """Private files in S3_PRIVATE_BUCKET: every object private (ACL), a URL (if one is ever asked for) signed and
    short-lived. The views stream the object after their rights check; no page links to the bucket."""

    def __init__(self, **options):
        options.update(default_acl="private", querystring_auth=True)
        options["querystring_expire"] = min(int(options.get("querystring_expire") or 60), PRIVATE_URL_SECONDS_MAX)
        super().__init__(**options)
