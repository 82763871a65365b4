"""Object storage (issue 23): media and private files in S3-compatible buckets through django-storages, chosen by
the environment (`config/object_storage.py`), against a local S3 server that these tests start (moto's server
mode, on the loopback, no account, no network). Off by default: the other tests and `make run` use the disk."""

import io
import urllib.request

import boto3
import pytest
from botocore.config import Config
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer

from compagnons.apprenticeship.models import Evidence
from compagnons.apprenticeship.services import add_evidence
from compagnons.core import backup
from compagnons.core.exceptions import Refused
from compagnons.core.storage import PrivateFileSystemStorage, private_storage, uses_object_storage
from config.object_storage import ObjectStorageMisconfigured, storages_from_env
from tests.factories import UserFactory

PDF = b"%PDF-1.4 devis signe\n"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, settings, request):
    """Two fresh buckets (public media, private files) and STORAGES as the environment would choose them."""
    name = request.node.name.lower().replace("_", "-")[:40].strip("-")
    environ = {
        "S3_BUCKET": f"media-{name}",
        "S3_PRIVATE_BUCKET": f"prive-{name}",
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": "eu-west-3",
        "S3_ACCESS_KEY_ID": "compagnons",
        "S3_SECRET_ACCESS_KEY": "secret-de-test",
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="eu-west-3",
        aws_access_key_id="compagnons",
        aws_secret_access_key="secret-de-test",
    )
    for bucket in (environ["S3_BUCKET"], environ["S3_PRIVATE_BUCKET"]):
        client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    settings.STORAGES = {**settings.STORAGES, **storages_from_env(environ)}
    client.environ = environ
    return client


def grantees(client, bucket: str, key: str) -> set[str]:
    acl = client.get_object_acl(Bucket=bucket, Key=key)
    return {grant["Grantee"].get("URI", grant["Grantee"].get("ID", "")) for grant in acl["Grants"]}


def test_off_by_default_the_disk_serves_everything():
    assert storages_from_env({}) is None
    assert isinstance(storages["private"], PrivateFileSystemStorage)
    assert not uses_object_storage()


def test_private_files_never_share_the_public_bucket():
    with pytest.raises(ObjectStorageMisconfigured, match="S3_PRIVATE_BUCKET"):
        storages_from_env({"S3_BUCKET": "compagnons"})
    with pytest.raises(ObjectStorageMisconfigured, match="S3_PRIVATE_BUCKET"):
        storages_from_env({"S3_BUCKET": "compagnons", "S3_PRIVATE_BUCKET": "compagnons"})


@pytest.mark.django_db
def test_a_private_file_is_a_private_object_served_only_after_the_rights_check(
    s3, client, mentorship, apprenti, compagnon, competences
):
    assert uses_object_storage()
    evidence = add_evidence(
        apprenti,
        by=apprenti,
        title="Devis",
        kind=Evidence.Kind.FILE,
        competences=competences[:1],
        upload=SimpleUploadedFile("devis.pdf", PDF),
        content_type="application/pdf",
    )
    bucket = s3.environ["S3_PRIVATE_BUCKET"]
    key = evidence.file.name
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == PDF
    # The object is private: no grant to everyone, no bucket policy; and nothing of it in the public bucket.
    assert ALL_USERS not in grantees(s3, bucket, key)
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_policy(Bucket=bucket)
    assert s3.list_objects_v2(Bucket=s3.environ["S3_BUCKET"])["KeyCount"] == 0
    # If a URL is ever made, it is signed and lives a minute.
    url = private_storage.url(key)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=60" in url

    # The view streams the object to those who may see it (the page never links to the bucket)…
    for who in (apprenti, compagnon):
        client.force_login(who)
        response = client.get(reverse("apprenticeship:evidence_file", args=[evidence.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert s3.meta.endpoint_url not in response.headers.get("Location", "")
    # …and still refuses everyone else.
    for who in (UserFactory(compagnon=True), UserFactory()):
        client.force_login(who)
        assert client.get(reverse("apprenticeship:evidence_file", args=[evidence.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("apprenticeship:evidence_file", args=[evidence.pk]))
    assert response.status_code == 302 and "/comptes/" in response["Location"]


@pytest.mark.django_db
def test_public_media_are_readable_by_url(s3):
    name = default_storage.save("portfolio/toit.txt", ContentFile(b"une toiture"))
    assert ALL_USERS in grantees(s3, s3.environ["S3_BUCKET"], name)
    url = default_storage.url(name)
    assert "X-Amz-Signature" not in url
    with urllib.request.urlopen(url, timeout=5) as answer:  # the loopback moto server
        assert answer.read() == b"une toiture"


@pytest.mark.django_db
def test_a_store_that_does_not_answer_refuses_the_upload_clearly(settings, apprenti, mentorship, competences):
    environ = {
        "S3_BUCKET": "media",
        "S3_PRIVATE_BUCKET": "prive",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9",  # the discard port: nothing listens
        "S3_ACCESS_KEY_ID": "x",
        "S3_SECRET_ACCESS_KEY": "y",
    }
    options = storages_from_env(environ)
    options["private"]["OPTIONS"]["client_config"] = Config(retries={"total_max_attempts": 1}, connect_timeout=1)
    settings.STORAGES = {**settings.STORAGES, **options}
    with pytest.raises(Refused, match="Le stockage des fichiers ne répond pas"):
        add_evidence(
            apprenti,
            by=apprenti,
            title="Devis",
            kind=Evidence.Kind.FILE,
            competences=competences[:1],
            upload=SimpleUploadedFile("devis.pdf", PDF),
        )
    assert not Evidence.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_and_restore_carry_the_buckets_objects(s3, settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "keys"
    settings.BACKUP_PASSPHRASE = "une phrase de passe assez longue"
    public = default_storage.save("vitrine/photo.jpg", ContentFile(b"photo"))
    private = private_storage.save("preuves/1/devis.pdf", ContentFile(PDF))

    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "archives"), stdout=out)
    archive = tmp_path / "archives" / out.getvalue().strip().rsplit("/", 1)[-1]
    manifest = backup.read_manifest(archive)
    assert manifest["files"] == "object-storage"
    assert {f"media/{public}", f"private/{private}"} <= set(manifest["sha256"])

    # Not over buckets that hold objects…
    assert any("S3_PRIVATE_BUCKET" in refusal for refusal in backup.refusals(backup.Places.from_settings()))
    # …but into emptied ones, every object comes back, the private one still private.
    for bucket in (s3.environ["S3_BUCKET"], s3.environ["S3_PRIVATE_BUCKET"]):
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
    backup.restore(archive, force=True)
    assert default_storage.open(public).read() == b"photo"
    assert private_storage.open(private).read() == PDF
    assert ALL_USERS not in grantees(s3, s3.environ["S3_PRIVATE_BUCKET"], private)
    assert manifest["rows"] == backup.row_counts()
