"""Fixtures for the good practice tests: examples in each state, from the demo region and elsewhere."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assure.goodpractice.models import Example

from .factories import ExampleFactory


@pytest.fixture
def gp(demo, elsewhere) -> SimpleNamespace:
    """Examples of each kind, besides the demo's own:

    - `draft`: NHS Camden CCG's draft (only Camden's people and platform admins see it);
    - `submitted`: Camden's, awaiting moderation by the London regional lead;
    - `published`: Islington's, public; tagged with item 1.3, which Camden rates lowest in domain 1;
    - `far`: a draft of a CCG in another region.
    """
    framework = demo.framework
    domain1 = framework.domains.get(number=1)
    item13 = framework.items.get(code="1.3")
    theme = domain1.themes.get(position=0)
    return SimpleNamespace(
        draft=ExampleFactory(
            organisation=demo.ccg,
            framework=framework,
            title="Camden draft about hospital discharge",
            status=Example.Status.DRAFT,
            submitted_at=None,
            created_by=demo.ccg_lead,
            tags=[domain1],
        ),
        submitted=ExampleFactory(
            organisation=demo.ccg,
            framework=framework,
            title="Camden pharmacy outreach awaiting moderation",
            status=Example.Status.SUBMITTED,
            created_by=demo.ccg_lead,
            tags=[item13],
        ),
        published=ExampleFactory(
            organisation=demo.ccg2,
            framework=framework,
            title="Islington wellbeing navigators",
            summary="Navigators in every practice help people find community support.",
            tags=[item13, theme],
        ),
        far=ExampleFactory(
            organisation=elsewhere.ccg,
            framework=framework,
            title="Nottingham draft about diabetes",
            status=Example.Status.DRAFT,
            submitted_at=None,
            tags=[domain1],
        ),
        framework=framework,
        domain1=domain1,
        item13=item13,
        theme=theme,
    )
