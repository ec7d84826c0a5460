import datetime

import factory
from django.utils import timezone

from assure.surveys import services
from assure.surveys.models import Stakeholder, Survey


class SurveyFactory(factory.django.DjangoModelFactory):
    """An open survey (opened yesterday, closing in four weeks) with the framework's statements."""

    class Meta:
        model = Survey

    cycle = factory.SubFactory("assure.cycles.tests.factories.CycleFactory")
    organisation = factory.SubFactory("assure.organisations.tests.factories.CCGFactory")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=28))
    statements = factory.LazyAttribute(lambda o: services.framework_statements(o.cycle.framework))


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    survey = factory.SubFactory(SurveyFactory)
    name = factory.Sequence(lambda n: f"Stakeholder {n}")
    email = factory.Sequence(lambda n: f"stakeholder{n}@example.org")
    organisation = "Test organisation"
    group = "member_practice"


def invite(stakeholder: Stakeholder) -> str:
    """Give the stakeholder a link as an invitation would (without the email) and return its secret."""
    token = services._rotate_link(stakeholder)
    stakeholder.invited_at = timezone.now()
    stakeholder.save()
    return token


def respond(survey: Survey, group: str, answers: dict | None = None, comments: dict | None = None) -> str:
    """A new stakeholder of `group` who answers; returns their link's secret."""
    token = invite(StakeholderFactory(survey=survey, group=group))
    services.response_save(token=token, answers=answers or {}, comments=comments or {})
    return token
