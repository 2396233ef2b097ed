"""Files in an S3-compatible object store (django-storages): moto's standalone server, a real
S3 over HTTP on 127.0.0.1, started here. Publishing stores the version's files in the bucket,
downloads stream from it with the same access checks, and evidence goes there and back."""

import socket

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kommunekompass.core.health import readiness
from kommunekompass.evaluations.models import Evidence
from kommunekompass.reports import published as published_files
from tests.factories import make_user
from tests.test_snapshot import add_scores, publish

BUCKET = "kommunekompass-test"
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
REGION = "eu-north-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )
    try:
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass  # moto keeps its buckets per process: another module's server made it before
    try:
        yield {"endpoint": endpoint, "client": client}
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    """The app's files in the bucket (as KOMMUNEKOMPASS_S3_* configure it), emptied before."""
    client = s3_server["client"]
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    # Nothing may land in the data directory's uploads instead.
    settings.MEDIA_ROOT = tmp_path / "uploads-unused"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server["endpoint"],
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "region_name": REGION,
                "addressing_style": "path",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }

    def keys() -> list[str]:
        return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]

    def read(key: str) -> bytes:
        return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    yield type("Bucket", (), {"keys": staticmethod(keys), "read": staticmethod(read)})
    assert not (tmp_path / "uploads-unused").exists()


@pytest.fixture
def published_in_s3(world, bucket, django_capture_on_commit_callbacks):
    w = world
    w.second = make_user("second", evaluator=True)
    w.draft.evaluators.add(w.second)
    questions = w.framework.spec.questions[:20]
    add_scores(w.draft, {q.code: {d.code: 2 for d in q.scheme.dimensions} for q in questions})
    with django_capture_on_commit_callbacks(execute=True):
        w.version = publish(w.draft, w.eva, w.second)
    w.version.refresh_from_db()
    return w


def test_publishing_stores_the_versions_files_in_the_bucket(published_in_s3, bucket):
    version = published_in_s3.version
    keys = bucket.keys()
    assert version.pdf.name in keys and version.xlsx.name in keys
    assert bucket.read(version.pdf.name).startswith(b"%PDF")
    assert bucket.read(version.xlsx.name).startswith(b"PK")


def test_a_public_download_streams_from_the_bucket(published_in_s3, bucket, client):
    w = published_in_s3
    url = reverse("reports:version_pdf", args=[w.draft.pk, 1])
    stored = bucket.read(w.version.pdf.name)
    for _ in range(2):  # the second answered from what the first left ready
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == stored
    # The latest version's workbook, by the report's own address.
    response = client.get(reverse("reports:xlsx", args=[w.draft.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == bucket.read(w.version.xlsx.name)


def test_a_word_document_is_rendered_into_the_bucket(published_in_s3, bucket, client):
    w = published_in_s3
    client.force_login(w.reader)
    response = client.get(reverse("reports:version_docx", args=[w.draft.pk, 1]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    name = published_files.docx_path(w.version)
    assert name in bucket.keys()
    assert bucket.read(name) == content


def test_a_drafts_files_are_still_refused_to_strangers(published_in_s3, bucket, client):
    w = published_in_s3
    assert client.get(reverse("reports:pdf", args=[w.nordhei_draft.pk])).status_code == 404
    client.force_login(w.outsider)
    assert client.get(reverse("reports:xlsx", args=[w.nordhei_draft.pk])).status_code == 404


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_evidence_goes_to_the_bucket_and_back_only_to_the_team(world, bucket, client_factory):
    w = world
    eva = client_factory(w.eva)
    question = w.framework.questions.get(code="3.3.1")
    upload = SimpleUploadedFile("Årsrapport 2025.pdf", pdf_bytes(), "application/pdf")
    response = eva.post(
        reverse("evaluations:evidence", args=[w.draft.pk]),
        {"title": "Årsrapport", "file": upload, "questions": [question.pk]},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.file.name in bucket.keys()
    assert bucket.read(evidence.file.name) == pdf_bytes()
    url = reverse("evaluations:evidence_download", args=[w.draft.pk, evidence.pk])
    download = eva.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    # Refusals as before: nobody outside the team gets the file, whatever the storage.
    assert client_factory(w.reader).get(url).status_code == 404
    assert client_factory(w.otto).get(url).status_code == 404
    assert client_factory(w.outsider).get(url).status_code == 404
    anonymous = client_factory(w.outsider)
    anonymous.logout()
    assert anonymous.get(url).status_code == 302


def test_readiness_writes_and_reads_the_bucket(db, bucket):
    ready, checks = readiness()
    assert ready, checks
    assert checks["storage"] == "ok"
    assert not [key for key in bucket.keys() if key.startswith("health/")]
