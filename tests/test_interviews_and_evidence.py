import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kommunekompass.evaluations.models import Evidence, Interview
from kommunekompass.evaluations.uploads import MAX_UPLOAD_BYTES, UploadRefused, check_upload


@pytest.fixture
def eva(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.eva)
    return client


def question_ids(world, *codes):
    return [world.framework.questions.get(code=c).pk for c in codes]


def test_it_plans_and_records_interviews_linked_to_questions(eva, world):
    url = reverse("evaluations:interviews", args=[world.draft.pk])
    response = eva.post(
        url,
        {
            "role": "union_representatives",
            "date": "2026-09-01",
            "held": "on",
            "participants": "Hovedtillitsvalgt Fagforbundet",
            "notes": "Godt samarbeid om HMS.",
            "questions": question_ids(world, "7.3.1", "7.3.2"),
        },
    )
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert interview.held and str(interview.date) == "2026-09-01"
    assert sorted(q.code for q in interview.questions.all()) == ["7.3.1", "7.3.2"]
    page = eva.get(url).content.decode()
    assert "Hovedtillitsvalgte" in page and "1. september 2026" in page
    # The interview shows on the scoring page of the questions it informs.
    scoring = eva.get(reverse("evaluations:area", args=[world.draft.pk, "7"])).content.decode()
    assert "Hovedtillitsvalgte (1. september 2026)" in scoring


def test_a_held_interview_needs_a_date_and_a_known_group(eva, world):
    url = reverse("evaluations:interviews", args=[world.draft.pk])
    assert eva.post(url, {"role": "mayor", "held": "on"}).status_code == 422
    assert eva.post(url, {"role": "journalists"}).status_code == 422
    assert not Interview.objects.exists()


def test_it_edits_an_interview(eva, world):
    interview = Interview.objects.create(evaluation=world.draft, role="mayor")
    url = reverse("evaluations:interview_edit", args=[world.draft.pk, interview.pk])
    eva.post(
        url, {"role": "mayor", "date": "2026-08-24", "held": "on", "notes": "Notat", "version": 1}
    )
    interview.refresh_from_db()
    assert interview.held and interview.notes == "Notat" and interview.version == 2


def test_a_stale_interview_edit_is_refused_and_the_notes_are_shown(eva, world):
    interview = Interview.objects.create(evaluation=world.draft, role="mayor", notes="Original")
    url = reverse("evaluations:interview_edit", args=[world.draft.pk, interview.pk])
    eva.post(url, {"role": "mayor", "notes": "Første endring", "version": 1})
    stale = eva.post(url, {"role": "mayor", "notes": "Utdatert endring", "version": 1})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "noen andre endret dette intervjuet" in page and "Utdatert endring" in page
    interview.refresh_from_db()
    assert interview.notes == "Første endring" and interview.version == 2


def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_it_uploads_a_document_and_serves_it_only_to_the_team(eva, client, world):
    url = reverse("evaluations:evidence", args=[world.draft.pk])
    upload = SimpleUploadedFile("Årsrapport 2025.pdf", pdf_bytes(), "application/pdf")
    response = eva.post(
        url, {"title": "Årsrapport", "file": upload, "questions": question_ids(world, "3.3.1")}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf" and evidence.size == len(pdf_bytes())
    download = eva.get(reverse("evaluations:evidence_download", args=[world.draft.pk, evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert (
        "Årsrapport 2025.pdf" in download["Content-Disposition"]
        or "rsrapport" in download["Content-Disposition"]
    )


def test_it_accepts_a_link_as_evidence(eva, world):
    url = reverse("evaluations:evidence", args=[world.draft.pk])
    response = eva.post(url, {"title": "Kommuneplan", "url": "https://fjordvik.example.no/plan"})
    assert response.status_code == 302
    assert Evidence.objects.get().url == "https://fjordvik.example.no/plan"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "tas ikke imot"),
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00 disguised program", "er ikke en .pdf-fil"),
        ("bilde.png", pdf_bytes(), "er ikke en .png-fil"),
        ("tom.pdf", b"", "tom"),
    ],
)
def test_it_refuses_disguised_unknown_and_empty_uploads(eva, world, name, content, message):
    url = reverse("evaluations:evidence", args=[world.draft.pk])
    upload = SimpleUploadedFile(name, content, "application/pdf")
    response = eva.post(url, {"title": "Dokument", "file": upload})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_it_refuses_a_file_and_a_link_together_or_neither(eva, world):
    url = reverse("evaluations:evidence", args=[world.draft.pk])
    both = SimpleUploadedFile("a.pdf", pdf_bytes())
    assert (
        eva.post(url, {"title": "x", "file": both, "url": "https://example.no"}).status_code == 422
    )
    assert eva.post(url, {"title": "x"}).status_code == 422
    assert not Evidence.objects.exists()


def test_check_upload_knows_office_files_and_the_size_limit():
    assert check_upload("plan.docx", docx_bytes(), 1000).endswith("wordprocessingml.document")
    with pytest.raises(UploadRefused, match="20"):
        check_upload("big.pdf", pdf_bytes(), MAX_UPLOAD_BYTES + 1)
    with pytest.raises(UploadRefused):
        check_upload("plan.xlsx", docx_bytes(), 1000)  # a Word file named as a spreadsheet
