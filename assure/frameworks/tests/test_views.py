"""The public framework pages: anyone can read them without signing in."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.core.tests.helpers import page_text, squash
from assure.frameworks.models import Domain

pytestmark = pytest.mark.django_db

SLUG = "ccg-authorisation-2012"
DETAIL = f"/frameworks/{SLUG}/"
SCALE = ["0 – Not yet in place", "1 – Emerging", "2 – In place", "3 – Embedded"]
LEVELS = ["Below threshold", "Basics built", "Developing together", "Beyond authorisation"]


def domain_url(number: int) -> str:
    return f"/frameworks/{SLUG}/domains/{number}/"


def test_the_list_names_the_builtin_framework_and_links_to_it(
    client, framework, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get("/frameworks/")

    assert response.status_code == 200
    text = page_text(response)
    assert "CCG authorisation and HWB partnership framework (2012)" in text
    assert "Version 1" in text
    assert f'href="{DETAIL}"' in response.content.decode()


def test_the_framework_page_shows_domains_scale_threshold_and_levels(
    client, framework, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get(DETAIL)

    assert response.status_code == 200
    text = page_text(response)
    for domain in framework.domains.all():
        assert squash(domain.title) in text
    for point in SCALE:
        assert point in text
    assert (
        "A domain meets the threshold when every “Build the basics” item is rated “In place” or above."
        in text
    )
    for level in LEVELS:
        assert level in text
    assert (
        "When every “Build the basics” item is rated “In place” or above, and at least half of the "
        "“Develop together for the future” items are rated “In place” or above." in text
    )
    assert "6 actions to build the basics, 5 to develop together for the future" in text  # domain 1
    assert "16 actions to build the basics, 12 to develop together for the future" in text  # domain 2
    assert "not applicable" in text
    for n in range(1, 7):
        assert f'href="{domain_url(n)}"' in response.content.decode()


@pytest.mark.parametrize("number", range(1, 7))
def test_each_domain_page_shows_all_of_the_domain(client, framework, number, django_assert_max_num_queries):
    domain = framework.domains.get(number=number)

    with django_assert_max_num_queries(13):
        response = client.get(domain_url(number))

    assert response.status_code == 200
    text = page_text(response)
    assert squash(domain.title) in text
    assert f"Domain {number} of 6" in text
    assert squash(domain.concern.split("\n\n")[0]) in text
    for theme in domain.themes.all():
        assert squash(theme.title) in text
    for point in domain.key_points.all():
        assert squash(point.text) in text
    for evidence in domain.evidence_types.all():
        assert squash(evidence.title) in text
    for item in domain.items.all():
        assert squash(item.text) in text
        assert item.code in text
    for statement in domain.survey_statements.all():
        assert squash(statement.text) in text


def test_a_domain_page_does_not_show_another_domains_items(client, framework):
    text = page_text(client.get(domain_url(6)))

    assert "vice versa" in text
    assert squash(framework.items.get(code="1.1").text) not in text


def test_domain_pages_link_to_their_neighbours(client, framework):
    first = client.get(domain_url(1)).content.decode()
    last = client.get(domain_url(6)).content.decode()

    assert f'href="{domain_url(2)}"' in first
    assert "Previous" not in page_text(client.get(domain_url(1)))
    assert f'href="{domain_url(5)}"' in last
    assert "Next" not in page_text(client.get(domain_url(6)))


def test_domain_pages_make_the_same_number_of_queries_however_big_the_domain(client, framework):
    sizes = {d.number: d.items.count() for d in Domain.objects.filter(framework=framework)}
    largest, smallest = max(sizes, key=sizes.get), min(sizes, key=sizes.get)
    assert sizes[largest] > 3 * sizes[smallest]

    counts = []
    for number in (largest, smallest):
        with CaptureQueriesContext(connection) as queries:
            client.get(domain_url(number))
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "url",
    [
        "/frameworks/no-such-framework/",
        "/frameworks/no-such-framework/domains/1/",
        f"/frameworks/{SLUG}/domains/7/",
        f"/frameworks/{SLUG}/domains/0/",
    ],
)
def test_unknown_frameworks_and_domains_are_not_found(client, framework, url):
    assert client.get(url).status_code == 404


def test_framework_pages_need_no_sign_in_and_offer_it(client, framework):
    text = page_text(client.get(DETAIL))

    assert "Sign in" in text


def test_framework_pages_only_answer_get(client, framework):
    assert client.post(DETAIL).status_code == 405
