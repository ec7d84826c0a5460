"""What the Content Security Policy must not break: the NHS.UK frontend's JavaScript styling and the API docs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.system


def test_the_nhs_frontend_knows_javascript_is_on_without_an_inline_script(page, demo_site):
    # Given a visitor with JavaScript on
    page.goto("/accounts/login/")

    # Then the body carries the classes the NHS.UK frontend styles by, set by a script file
    classes = page.evaluate("document.body.className").split()
    assert "js-enabled" in classes
    assert "nhsuk-frontend-supported" in classes
    # (and the page fixture fails the test if the policy blocked anything on the way)


def test_the_api_documentation_works_under_the_policy(page, demo_site):
    # When someone opens the interactive API documentation
    page.goto("/api/v1/docs")

    # Then its operations are listed, from our own static files
    expect(page.get_by_text("/api/v1/cycles").first).to_be_visible()
