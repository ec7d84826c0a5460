"""The evidence API is reached through a self-assessment: reuse the assessment tests' fixtures."""

from assure.assessments.tests.conftest import api_for, assessment  # noqa: F401
