"""Charts drawn on the server as SVG with matplotlib, the same markup for the web page and the PDF.

No Django here. The SVG matplotlib writes is tidied so it can sit inline in a page under a strict Content
Security Policy: its `<style>` element and `style="…"` attributes become SVG presentation attributes, its ids are
prefixed so two charts on one page cannot clash, and it gains a `<title>` and `<desc>` and scales to its container.
Each chart comes with a text description (`describe_domains`); pages also show the numbers as a table.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("svg")  # no display; must come before anything imports pyplot

from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# NHS identity colours, with a hatch each so the series differ without colour too.
SERIES_STYLE = {
    "self": ("#005eb8", ""),
    "hwb": ("#330072", "//"),
    "stakeholders": ("#ffb81c", ".."),
}
FALLBACK_STYLE = ("#425563", "xx")
TEXT_COLOUR = "#212b32"
FONT = ["Arial", "Liberation Sans", "DejaVu Sans", "sans-serif"]


def _style(chart_id: str) -> dict:
    """matplotlib's settings for every chart: text as text (read out, and sharp at any size), NHS colours, and
    element ids made from the chart's id, so that a chart always gives the same SVG and two charts on a page never
    share an id."""
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": chart_id,
        "font.family": "sans-serif",
        "font.sans-serif": FONT,
        "font.size": 10,
        "text.color": TEXT_COLOUR,
        "axes.labelcolor": TEXT_COLOUR,
        "xtick.color": TEXT_COLOUR,
        "ytick.color": TEXT_COLOUR,
        "hatch.linewidth": 0.8,
        "hatch.color": "#ffffff",
    }


@dataclass(frozen=True)
class Series:
    key: str  # "self", "hwb", "stakeholders"
    label: str
    values: dict[int, float | None] = field(default_factory=dict)  # domain number -> 0–100, None if no data


def domain_chart_svg(
    domains: Sequence[tuple[int, str]],
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    description: str,
    axis_label: str = "Score (% of the top of the scale)",
) -> str:
    """A horizontal grouped bar chart: one group per domain, one bar per series, each bar labelled with its value."""
    rows = len(domains)
    count = max(len(series), 1)
    height = 0.9 + rows * (0.28 * count + 0.35)
    with matplotlib.rc_context(_style(chart_id)):
        figure = Figure(figsize=(7.2, height), layout="constrained")
        axes = figure.add_subplot()
        bar = 0.8 / count
        for index, one in enumerate(series):
            colour, hatch = SERIES_STYLE.get(one.key, FALLBACK_STYLE)
            positions = [
                row + (index - (count - 1) / 2) * bar for row in range(rows)
            ]  # centred on the domain's row
            values = [one.values.get(number) for number, _ in domains]
            drawn = axes.barh(
                positions,
                [v or 0 for v in values],
                height=bar * 0.92,
                color=colour,
                hatch=hatch,
                edgecolor="#ffffff" if hatch else colour,
                linewidth=0,
                label=one.label,
            )
            labels = ["no data" if v is None else f"{v:.0f}%" for v in values]
            axes.bar_label(drawn, labels=labels, padding=3, fontsize=8)
        axes.set_yticks(range(rows), [f"{number}. {short}" for number, short in domains])
        axes.invert_yaxis()
        axes.set_xlim(0, 112)
        axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        axes.set_xlabel(axis_label)
        axes.grid(axis="x", color="#d8dde0", linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if series:
            axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(count, 3), frameon=False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return tidy_svg(buffer.getvalue(), chart_id=chart_id, title=title, description=description)


@dataclass(frozen=True)
class QuarterPoint:
    label: str  # the quarter end, as the page says it ("31 March 2013")
    free: int  # authorised with no condition open
    with_open_conditions: int
    not_authorised: int


def conditions_chart_svg(
    points: Sequence[QuarterPoint], *, chart_id: str, title: str, description: str
) -> str:
    """Stacked columns, one per quarter end: CCGs free of open conditions, with open conditions, not authorised."""
    parts = [
        ("free", "Authorised, no open conditions", "#007f3b", ""),
        ("with_open_conditions", "With open conditions", "#ffb81c", ".."),
        ("not_authorised", "Established, not authorised", "#d5281b", "//"),
    ]
    with matplotlib.rc_context(_style(chart_id)):
        figure = Figure(figsize=(7.2, 3.6), layout="constrained")
        axes = figure.add_subplot()
        positions = list(range(len(points)))
        bottoms = [0] * len(points)
        for key, label, colour, hatch in parts:
            values = [getattr(p, key) for p in points]
            drawn = axes.bar(
                positions, values, bottom=bottoms, color=colour, hatch=hatch, edgecolor="#ffffff", label=label
            )
            axes.bar_label(
                drawn, labels=[str(v) if v else "" for v in values], label_type="center", fontsize=8
            )
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        axes.set_xticks(positions, [p.label for p in points], rotation=30, ha="right")
        axes.set_ylabel("CCGs with a decision")
        top = max(bottoms, default=0)
        axes.set_ylim(0, max(top * 1.1, 1))
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.grid(axis="y", color="#d8dde0", linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, frameon=False, fontsize=8)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return tidy_svg(buffer.getvalue(), chart_id=chart_id, title=title, description=description)


def describe_quarters(points: Sequence[QuarterPoint]) -> str:
    """Where the count of CCGs free of open conditions started and ended, in words."""
    if not points:
        return "No quarter has ended since the cycle started."
    last = points[-1]
    decided = last.free + last.with_open_conditions + last.not_authorised
    if decided == 0:
        return f"No decision had been recorded by {last.label}."
    first = next((p for p in points if p.free + p.with_open_conditions + p.not_authorised), last)
    sentence = (
        f"At {last.label}, {last.free} of the {decided} CCGs with a decision were authorised with no open "
        f"conditions, {last.with_open_conditions} had conditions open and {last.not_authorised} "
        f"{'was' if last.not_authorised == 1 else 'were'} not authorised."
    )
    if first is not last:
        sentence += f" At {first.label}, {first.free} were free of open conditions."
    return sentence


# Tidying ----------------------------------------------------------------------------------------------------

_PRESENTATION = {
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-dasharray",
    "stroke-dashoffset",
    "opacity",
    "font-size",
    "font-family",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "clip-path",
}
_FONT_SHORTHAND = re.compile(
    r"^(?:(?P<style>italic|oblique|normal)\s+)?(?:(?P<weight>bold|normal|\d{3})\s+)?"
    r"(?P<size>[\d.]+px)\s+(?P<family>.+)$"
)
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def _declarations(style: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in style.split(";"):
        name, _, value = part.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not name or not value:
            continue
        if name == "font":
            match = _FONT_SHORTHAND.match(value)
            if match:
                for key in ("style", "weight", "size", "family"):
                    if match[key]:
                        found[f"font-{key}"] = match[key]
            continue
        if name in _PRESENTATION:
            found[name] = value
    return found


def tidy_svg(svg: str, *, chart_id: str, title: str, description: str) -> str:
    root = ET.fromstring(svg)  # noqa: S314 - matplotlib's own output, never user input
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id) + "-"
    href = f"{{{XLINK_NS}}}href"
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        tag = element.tag.split("}")[-1]
        if tag in {"style", "metadata"}:
            parents[element].remove(element)
            continue
        style = element.attrib.pop("style", None)
        if style:
            for name, value in _declarations(style).items():
                element.set(name, value)
        if "id" in element.attrib:
            element.set("id", prefix + element.get("id"))
        for name in (href, "href"):
            value = element.get(name)
            if value and value.startswith("#"):
                element.set(name, "#" + prefix + value[1:])
        for name, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(name, _URL_REF.sub(lambda m: f"url(#{prefix}{m[1]})", value))
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("class", "assure-domain-chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}title {prefix}desc")
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}title"})
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{prefix}desc"})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    # Other libraries (openpyxl) register namespace prefixes of their own: register ours again just before writing.
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


# Words ------------------------------------------------------------------------------------------------------


def describe_domains(domains: Sequence[tuple[int, str]], series: Sequence[Series]) -> str:
    """One or two sentences per series: where it is highest and lowest. Used as the chart's text description."""
    names = dict(domains)
    sentences = []
    for one in series:
        known = [(number, value) for number, value in one.values.items() if value is not None]
        if not known:
            sentences.append(f"{one.label}: no data yet.")
            continue
        high = max(known, key=lambda pair: (pair[1], -pair[0]))
        low = min(known, key=lambda pair: (pair[1], pair[0]))
        average = sum(value for _, value in known) / len(known)
        if high[1] == low[1]:
            sentences.append(f"{one.label}: {high[1]:.0f}% in every domain with data.")
        else:
            sentences.append(
                f"{one.label}: highest in domain {high[0]} ({names.get(high[0], '')}, {high[1]:.0f}%), "
                f"lowest in domain {low[0]} ({names.get(low[0], '')}, {low[1]:.0f}%), "
                f"{average:.0f}% on average."
            )
    return " ".join(sentences)
