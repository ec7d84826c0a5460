"""Reports over the API: the CCG report as PDF, the self-assessment workbook and the regional dashboard.

The same scoping as the pages: anything the caller may not see answers 404.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import BaseModel

from assure.assessments import xlsx
from assure.assessments.models import Assessment
from assure.core import permissions
from assure.cycles.models import Cycle
from assure.decisions.models import Decision

from . import services
from .dashboard import MEASURES, build_dashboard
from .exports import XLSX, Column, Sheet, download, xlsx_bytes
from .report import build_report, report_source
from .views import pdf_filename, pdf_response

router = Router(tags=["reports"])
dashboard_router = Router(tags=["reports"])


class Message(Schema):
    detail: str


class Preparing(Schema):
    detail: str
    status: str = Field(description="`queued`, `drawing` or `laying_out`; `failed` if it could not be made.")
    retry_after: int = Field(description="Seconds to wait before asking again.")


def _assessment(request, public_id: UUID) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(request.auth).select_related("cycle__framework", "organisation"),
        public_id=public_id,
    )


@router.get(
    "/{uuid:id}/report.pdf",
    response={200: None, 202: Preparing, 404: Message},
    summary="The CCG report as a PDF",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def report_pdf(request, id: UUID):
    """`200` with the PDF (A4) when it is ready. PDFs are made by the background worker: the first request for
    a report's current content answers `202` with a `Retry-After` header; ask again then. The CCG's own people
    get the report of the working copy while it is a draft; everyone else the latest submission (`404` if there
    is none)."""
    assessment = _assessment(request, id)
    report = build_report(report_source(request.auth, assessment))
    report_pdf = services.report_pdf_request(assessment=assessment, report=report)
    if report_pdf.is_ready:
        return pdf_response(report_pdf, assessment)
    response = Status(
        202,
        {
            "detail": f"The PDF {pdf_filename(assessment)} is being prepared.",
            "status": report_pdf.stage,
            "retry_after": 5,
        },
    )
    return response


SUBMISSION_COLUMNS = [
    Column("code", "Item code"),
    Column("domain", "Domain"),
    Column("tier", "Tier"),
    Column("text", "Item"),
    Column("rating", "Rating"),
    Column("not_applicable", "Not applicable"),
    Column("reason", "Not applicable reason"),
    Column("narrative", "Narrative"),
]


@router.get(
    "/{uuid:id}/export.xlsx",
    response={200: None, 404: Message},
    summary="The self-assessment as an Excel workbook",
    openapi_extra={"responses": {200: {"content": {XLSX: {}}}}},
)
def export_workbook(request, id: UUID):
    """The CCG's own people get the same workbook as the page's *Export to Excel*, which can be filled in and
    imported back. Everyone else who may read the self-assessment gets its latest submission, item by item."""
    assessment = _assessment(request, id)
    if permissions.is_ccg_member(request.auth, assessment.organisation_id):
        return download(
            xlsx.export_assessment(assessment), filename=xlsx.export_filename(assessment), content_type=XLSX
        )
    latest = assessment.submissions.order_by("-number").first()
    if latest is None:
        raise Http404("Not submitted")
    content = xlsx_bytes([Sheet(f"Submission {latest.number}", SUBMISSION_COLUMNS, latest.snapshot["items"])])
    filename = f"{assessment.organisation.code}-submission-{latest.number}.xlsx"
    return download(content, filename=filename, content_type=XLSX)


# The dashboard's rows are built as plain dicts, so their schemas are plain pydantic models: ninja's Schema reads
# every nested object through a Python wrapper (for ORM objects), which for 211 rows of six domains took 37 ms of
# a 100 ms answer; pydantic alone validates them in 6 ms.


class CcgRef(BaseModel):
    code: str
    name: str


class DomainCell(BaseModel):
    number: int
    level: str | None = Field(description="The self-assessed maturity level's code; null if not submitted.")
    level_label: str | None
    judgement: str | None = Field(
        description="The assessors' judgement: `met`, `met_with_conditions` or `not_met` (the most cautious when "
        "assessors differ); null until the domain is judged."
    )
    agreement: float | None = Field(
        description="Stakeholders' agreement (per cent); null until the 360° survey has results to show."
    )


class DashboardRow(BaseModel):
    ccg: CcgRef
    region: str | None
    stage: str = Field(description="Where the CCG stands in the cycle, as far as the caller may see.")
    domains: list[DomainCell]
    outcome: str | None = Field(
        description="The panel's outcome: `authorised`, `authorised_with_conditions` or "
        "`established_not_authorised`; null until a decision is recorded."
    )
    open_conditions: int | None = Field(
        description="Conditions not yet discharged (escalated ones count as open); null until a decision is recorded."
    )


class DashboardOut(BaseModel):
    cycle: str
    cycle_name: str
    compared_with: str | None = Field(description="The previous cycle's name, if the cycle follows one.")
    rows: list[DashboardRow]


@dashboard_router.get(
    "", response={200: DashboardOut, 403: Message, 404: Message}, summary="The regional dashboard"
)
def dashboard(request, cycle: UUID | None = None):
    """One row per CCG of the cycle in the caller's regions (every region for platform admins): its stage and,
    for each domain, the self-assessed `level`, the assessor's `judgement` and the stakeholders' `agreement`,
    with the `outcome` and the number of `open_conditions`. Values the platform does not have yet are null. For
    regional leads, assessors and platform admins (`403` for others); the newest cycle when `cycle` is left out.
    """
    if not permissions.can_view_dashboard(request.auth):
        return Status(403, {"detail": "The dashboard is for regional leads, assessors and platform admins."})
    cycles = Cycle.objects.visible_to(request.auth).select_related("framework", "previous")
    chosen = (
        get_object_or_404(cycles, public_id=cycle) if cycle else cycles.order_by("-starts_on", "name").first()
    )
    if chosen is None:
        raise Http404("No cycle")
    board = build_dashboard(
        request.auth,
        chosen,
        measures=list(MEASURES),
        facts=["stage", "outcome", "open_conditions"],
        compare=False,  # the rows give this cycle's values only
    )
    cells = board.all_cells

    def value(measure: str, ccg_id: int, number: int):
        cell = cells.get(measure, {}).get((ccg_id, number))
        return cell.value if cell is not None else None

    labels = {level.code: level.label for level in chosen.framework.spec.rules.levels}
    outcome_codes = {label: code for code, label in Decision.Outcome.choices}
    rows = []
    for row in board.rows:
        domains = []
        for domain in board.domains:
            level = value("maturity", row.ccg.pk, domain.number)
            domains.append(
                {
                    "number": domain.number,
                    "level": level,
                    "level_label": labels.get(level) if level else None,
                    "judgement": value("judgement", row.ccg.pk, domain.number),
                    "agreement": value("agreement", row.ccg.pk, domain.number),
                }
            )
        rows.append(
            {
                "ccg": {"code": row.ccg.code, "name": row.ccg.name},
                "region": row.ccg.region_name,
                "stage": row.facts.get("stage") or "",
                "domains": domains,
                "outcome": outcome_codes.get(row.facts.get("outcome")),
                "open_conditions": row.facts.get("open_conditions"),
            }
        )
    return {
        "cycle": str(chosen.public_id),
        "cycle_name": chosen.name,
        "compared_with": board.compared_with.name if board.compared_with else None,
        "rows": rows,
    }
