"""Rendering a report's data: charts for the page, and the whole report as an A4 PDF with WeasyPrint."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .charts import Series, domain_chart_svg
from .report import parse_dates

PRINT_CSS = "reports/report-print.css"


CHART_CACHE_SECONDS = 24 * 60 * 60


def chart_svg(data: dict[str, Any], *, chart_id: str, title: str) -> str:
    """The chart as SVG. Drawing it with matplotlib was four fifths of the report page's time, and most readers
    of a report see the same numbers, so each drawing is kept in the cache under a hash of everything it is
    drawn from (the SVG holds nothing else, so whoever has the same numbers may have the same picture)."""
    domains = [(d["number"], d["short_title"]) for d in data["domains"]]
    inputs = [domains, data["series"], data["description"], chart_id, title]
    key = (
        "reports:chart-svg:"
        + hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
    )
    svg = cache.get(key)
    if svg is None:
        series = [
            Series(s["key"], s["label"], {int(k): v for k, v in s["values"].items()}) for s in data["series"]
        ]
        svg = domain_chart_svg(
            domains, series, chart_id=chart_id, title=title, description=data["description"]
        )
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg


def prepare(report: dict[str, Any]) -> dict[str, Any]:
    """The report ready for a template: dates parsed, each chart drawn, the table of the chart's numbers."""
    report = parse_dates(report)
    sections = []
    for section in report["sections"]:
        section = {**section, "data": dict(section["data"])}
        if section["key"] == "chart":
            data = section["data"]
            data["svg"] = mark_safe(  # noqa: S308 - our own SVG, every text in it escaped by ElementTree
                chart_svg(data, chart_id=f"chart-{section['key']}", title=section["title"])
            )
            data["table"] = [
                {
                    "number": d["number"],
                    "short_title": d["short_title"],
                    "values": [s["values"].get(str(d["number"])) for s in data["series"]],
                }
                for d in data["domains"]
            ]
        sections.append(section)
    report["sections"] = sections
    return report


def render_html(report: dict[str, Any], *, prepared: dict[str, Any] | None = None) -> str:
    return render_to_string("reports/report_pdf.html", {"report": prepared or prepare(report)})


def render_pdf(report: dict[str, Any], *, on_stage=None) -> tuple[bytes, int]:
    """The report as PDF bytes and its number of pages. `on_stage(name)` is told as the work moves on."""
    import weasyprint

    if on_stage:
        on_stage("drawing")
    prepared = prepare(report)
    html = render_html(report, prepared=prepared)
    if on_stage:
        on_stage("laying_out")
    stylesheet = weasyprint.CSS(filename=finders.find(PRINT_CSS))
    document = weasyprint.HTML(string=html, base_url=None).render(stylesheets=[stylesheet])
    return document.write_pdf(), len(document.pages)
