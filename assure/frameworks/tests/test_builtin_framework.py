"""The built-in framework holds the seed documents' content. Facts are written out here, so the suite does not
depend on the seed documents being beside the code."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from assure.frameworks.loader import load_file
from assure.frameworks.models import Framework, Item

SPEC = load_file(Path(settings.FRAMEWORKS_DIR) / "ccg-authorisation-2012.yaml")
SOURCE_IDS = {"potential-beyond-authorisation", "hwb-ccg-relationships"}

# The "Domain N:" headings of "Clinical commissioning groups: potential development beyond authorisation".
DOMAIN_TITLES = [
    "A strong clinical and multi-professional focus that brings real added value",
    "Meaningful engagement with patients, carers and their communities",
    "Clear and credible plans that continue to deliver the QIPP challenge within financial resources, in line "
    "with national requirements, including excellent outcomes and local joint health and wellbeing strategies",
    "Proper constitutional and governance arrangements, with the capacity and capability to deliver all their "
    "duties and responsibilities including financial control, as well as effectively commissioning all the "
    "services for which they are responsible",
    "Collaborative arrangements for commissioning with other CCGs, local authorities and the NHS Commissioning "
    "Board as well as the appropriate commissioning support",
    "Great leaders who individually and collectively can make a real difference",
]


def items(domain: int, tier: str) -> list[str]:
    return [item.text for item in SPEC.domain(domain).items if item.tier == tier]


def test_it_has_six_domains_titled_as_in_the_seed_document():
    assert [d.number for d in SPEC.domains] == [1, 2, 3, 4, 5, 6]
    assert [d.title for d in SPEC.domains] == DOMAIN_TITLES


def test_it_cites_both_seed_documents():
    assert {s.id: s.title for s in SPEC.sources} == {
        "potential-beyond-authorisation": "Clinical commissioning groups: potential development beyond authorisation",
        "hwb-ccg-relationships": "Developing good working relationships between Health and Wellbeing Boards "
        "and Clinical Commissioning Groups",
    }


@pytest.mark.parametrize("number", range(1, 7))
def test_every_domain_has_the_parts_of_both_documents(number):
    domain = SPEC.domain(number)

    assert domain.short_title
    assert domain.description
    assert domain.concern.startswith(
        "This domain "
    )  # "is concerned with" or "concerns", as the source has it
    assert domain.themes, "themes of potential beyond authorisation"
    assert domain.key_points
    assert domain.evidence
    assert items(number, "basics")
    assert items(number, "future")
    assert 2 <= len(domain.survey_statements) <= 4


def test_everything_is_traceable_to_one_of_the_two_sources():
    cited = Counter()
    for domain in SPEC.domains:
        cited[domain.description_source] += 1
        cited[domain.concern_source] += 1
        for entry in [*domain.themes, *domain.key_points, *domain.items]:
            cited[entry.source] += 1
    for evidence in SPEC.evidence_types:
        cited[evidence.source] += 1

    assert set(cited) == SOURCE_IDS
    assert all(SPEC.domain(n).description_source == "potential-beyond-authorisation" for n in range(1, 7))
    assert all(item.source == "hwb-ccg-relationships" for d in SPEC.domains for item in d.items)


def test_it_has_77_items_50_basics_and_27_future():
    tiers = Counter(item.tier for domain in SPEC.domains for item in domain.items)

    assert tiers == {"basics": 50, "future": 27}
    assert [len(items(n, "basics")) for n in range(1, 7)] == [6, 16, 6, 10, 8, 4]
    assert [len(items(n, "future")) for n in range(1, 7)] == [5, 12, 3, 2, 2, 3]


def test_domain_5_has_five_themes():
    assert len(SPEC.domain(5).themes) == 5


def test_spot_checks_of_the_seed_wording():
    assert any("complementary vision" in text for text in items(1, "basics"))
    assert any("vice versa" in text for text in items(6, "future"))  # "visa versa" in the source, fixed
    assert not any("visa versa" in item.text for d in SPEC.domains for item in d.items)
    assert any(
        "identify how advice from the HWB" in text for text in items(1, "future")
    )  # "indentify", fixed


def test_the_default_scale():
    assert [(p.value, p.label) for p in SPEC.scale] == [
        (0, "Not yet in place"),
        (1, "Emerging"),
        (2, "In place"),
        (3, "Embedded"),
    ]
    assert SPEC.allow_not_applicable is True


def test_the_default_rules():
    threshold = SPEC.rules.threshold

    assert (threshold.tier, threshold.min_rating, threshold.proportion) == ("basics", 2, 1)
    assert [level.label for level in SPEC.rules.levels] == [
        "Below threshold",
        "Basics built",
        "Developing together",
        "Beyond authorisation",
    ]


def test_item_codes_are_unique_and_numbered_by_domain():
    codes = [item.code for domain in SPEC.domains for item in domain.items]

    assert len(codes) == len(set(codes))
    for domain in SPEC.domains:
        assert all(item.code.startswith(f"{domain.number}.") for item in domain.items)


@pytest.mark.django_db
def test_the_stored_framework_matches_the_file():
    framework = Framework.objects.latest_versions().get(slug="ccg-authorisation-2012")

    assert list(framework.domains.values_list("title", flat=True)) == DOMAIN_TITLES
    assert framework.items.filter(tier=Item.Tier.BASICS).count() == 50
    assert framework.items.filter(tier=Item.Tier.FUTURE).count() == 27
    assert framework.domains.get(number=5).themes.count() == 5
    assert set(framework.source_documents.values_list("key", flat=True)) == SOURCE_IDS
