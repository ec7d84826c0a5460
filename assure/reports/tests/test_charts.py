"""Charts: SVG that can sit inline under a strict Content Security Policy, with words for those who cannot see it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from assure.reports.charts import Series, describe_domains, domain_chart_svg, tidy_svg

DOMAINS = [(1, "Clinical focus"), (2, "Engagement"), (3, "Plans")]
SERIES = [
    Series("self", "Self-assessment", {1: 50.0, 2: 80.0, 3: None}),
    Series("hwb", "HWB partner", {1: 40.0, 2: 60.0, 3: 10.0}),
]


def chart() -> str:
    return domain_chart_svg(DOMAINS, SERIES, chart_id="c1", title="The domains", description="Words")


def test_the_chart_has_no_style_element_or_attribute():
    svg = chart()

    assert "<style" not in svg
    assert "style=" not in svg
    assert "<script" not in svg


def test_the_chart_is_an_image_labelled_by_its_title_and_description():
    root = ET.fromstring(chart())

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "The domains"
    assert root.find(f"{ns}desc").text == "Words"
    assert "width" not in root.attrib and root.get("viewBox")


def test_every_id_and_reference_is_prefixed():
    root = ET.fromstring(chart())
    ids = [e.get("id") for e in root.iter() if e.get("id")]

    assert ids and all(i.startswith("c1-") for i in ids)
    svg = chart()
    assert "url(#c1-" in svg and "url(#p" not in svg


def test_the_chart_says_its_values_and_series_in_text():
    svg = chart()

    for text in ("50%", "80%", "no data", "Self-assessment", "HWB partner", "1. Clinical focus"):
        assert text in svg


def test_style_declarations_become_presentation_attributes():
    svg = tidy_svg(
        '<svg xmlns="http://www.w3.org/2000/svg"><style>*{}</style>'
        "<text style=\"font: bold 10px 'DejaVu Sans'; text-anchor: middle; fill: #000\">x</text></svg>",
        chart_id="t",
        title="T",
        description="D",
    )
    text = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}text")
    assert text.get("font-weight") == "bold"
    assert text.get("font-size") == "10px"
    assert text.get("text-anchor") == "middle"
    assert text.get("fill") == "#000"


def test_the_description_names_the_highest_and_lowest_domains():
    words = describe_domains(DOMAINS, SERIES)

    assert (
        "Self-assessment: highest in domain 2 (Engagement, 80%), lowest in domain 1 (Clinical focus, 50%)"
        in words
    )
    assert "HWB partner: highest in domain 2" in words and "lowest in domain 3 (Plans, 10%)" in words
    assert describe_domains(DOMAINS, [Series("x", "Stakeholders", {})]) == "Stakeholders: no data yet."


@given(st.dictionaries(st.sampled_from([1, 2, 3]), st.one_of(st.none(), st.floats(0, 100))))
def test_any_values_describe_without_error(values):
    words = describe_domains(DOMAINS, [Series("self", "Self", values)])
    assert words.startswith("Self:")


def test_the_svg_keeps_its_plain_namespace_after_other_libraries_register_prefixes():
    ET.register_namespace("svg", "http://www.w3.org/2000/svg")  # as spreadsheet libraries do

    assert chart().startswith('<svg xmlns="http://www.w3.org/2000/svg"')
