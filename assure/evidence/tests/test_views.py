"""The evidence library pages: adding files and links, checking uploads, downloading safely, coverage."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assure.audit.models import AuditEvent
from assure.evidence.models import Evidence


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def constitution_type(demo):
    return demo.framework.evidence_types.get(code="ccg-constitution")


def _post(client, constitution_type, **overrides):
    data = {
        "title": "Governing body minutes",
        "evidence_type": constitution_type.pk,
        "document_date": "2026-06-30",
        "owner": "Board secretary",
        "url": "",
        "domains": [],
    }
    data.update(overrides)
    return client.post(reverse("evidence:add", args=["07R"]), data)


def _stored_files() -> int:
    """How many evidence files storage holds (storage outlives each test's database transaction)."""
    if not default_storage.exists("evidence"):
        return 0
    return sum(
        len(default_storage.listdir(f"evidence/{folder}")[1])
        for folder in default_storage.listdir("evidence")[0]
    )


def test_library_lists_the_ccgs_evidence(ccg_staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        page = _text(ccg_staff_client.get(reverse("evidence:library", args=["07R"])))
    assert "Camden CCG constitution" in page
    assert "Over 12 months old" in page  # the demo JSNA is 420 days old


def test_uploading_a_real_pdf_stores_it_under_a_generated_name(demo, ccg_staff_client, constitution_type):
    upload = SimpleUploadedFile("Minutes June.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = _post(
        ccg_staff_client, constitution_type, file=upload, domains=[demo.framework.domains.get(number=4).pk]
    )
    evidence = Evidence.objects.get(title="Governing body minutes")
    assert response["Location"] == reverse("evidence:detail", args=[evidence.public_id])
    assert evidence.original_name == "Minutes June.pdf"
    assert evidence.file.name.startswith(f"evidence/{demo.ccg.public_id}/")
    assert "Minutes" not in evidence.file.name
    assert AuditEvent.objects.for_object(evidence).get().action == "evidence.added"

    download = ccg_staff_client.get(reverse("evidence:download", args=[evidence.public_id]))
    assert download["Content-Disposition"] == 'attachment; filename="Minutes June.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00binary", "is not a PDF file"),
        ("report.pdf", b"", "The submitted file is empty."),
        ("tool.exe", b"MZ\x90\x00", "must be one of these types"),
    ],
)
def test_disguised_or_empty_uploads_leave_nothing_behind(
    ccg_staff_client, constitution_type, name, content, message
):
    rows, files = Evidence.objects.count(), _stored_files()
    page = _text(_post(ccg_staff_client, constitution_type, file=SimpleUploadedFile(name, content)))
    assert "There is a problem" in page
    assert message in page
    assert (Evidence.objects.count(), _stored_files()) == (rows, files)


def test_oversized_upload_is_refused(ccg_staff_client, constitution_type, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    assert "must be smaller than 1 MB" in _text(_post(ccg_staff_client, constitution_type, file=big))
    assert not Evidence.objects.filter(title="Governing body minutes").exists()


def test_a_link_or_a_file_but_not_neither(ccg_staff_client, constitution_type):
    assert "Upload a file or give a link" in _text(_post(ccg_staff_client, constitution_type))
    response = _post(ccg_staff_client, constitution_type, url="https://example.org/minutes")
    assert response.status_code == 302
    assert Evidence.objects.get(title="Governing body minutes").url == "https://example.org/minutes"


def test_future_document_dates_are_refused(ccg_staff_client, constitution_type):
    assert "must be today or in the past" in _text(
        _post(ccg_staff_client, constitution_type, document_date="2099-01-01", url="https://example.org/x")
    )


def test_outsiders_cannot_reach_the_library_or_files(
    demo, outsider_client, ccg2_lead_client, hwb_lead_client, constitution_type
):
    evidence = Evidence.objects.filter(organisation=demo.ccg).first()
    for other in (outsider_client, ccg2_lead_client, hwb_lead_client):
        assert other.get(reverse("evidence:library", args=["07R"])).status_code == 404
        assert other.get(reverse("evidence:detail", args=[evidence.public_id])).status_code == 404
        assert other.get(reverse("evidence:download", args=[evidence.public_id])).status_code == 404
        assert _post(other, constitution_type, url="https://example.org/x").status_code == 404


def test_linking_evidence_to_items_is_recorded(demo, ccg_staff_client):
    evidence = Evidence.objects.get(title="Camden CCG constitution")
    item = demo.framework.items.get(code="4.1")
    response = ccg_staff_client.post(
        reverse("evidence:detail", args=[evidence.public_id]),
        {"domains": [d.pk for d in evidence.domains.all()], "items": [item.pk]},
    )
    assert response.status_code == 302
    assert list(evidence.items.values_list("code", flat=True)) == ["4.1"]
    event = AuditEvent.objects.for_object(evidence).filter(action="evidence.links").get()
    assert (event.before["items"], event.after["items"]) == ([], ["4.1"])


def test_coverage_shows_expected_present_stale_and_missing(ccg_lead_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        page = _text(ccg_lead_client.get(reverse("evidence:coverage", args=["07R"])))
    assert "Domain 1: Clinical focus" in page
    assert "Over 12 months old" in page
    assert "Missing" in page
    assert "Present" in page
