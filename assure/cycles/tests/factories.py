import datetime

import factory
from django.utils import timezone

from assure.cycles.models import Cycle, CycleStep
from assure.frameworks.models import Framework
from assure.organisations.tests.factories import RegionFactory

BUILTIN_FRAMEWORK = "ccg-authorisation-2012"


def builtin_framework() -> Framework:
    """The built-in framework, loaded into every database after `migrate`."""
    return Framework.objects.latest_versions().get(slug=BUILTIN_FRAMEWORK)


class CycleFactory(factory.django.DjangoModelFactory):
    """An authorisation cycle open today. Pass `ccgs=[...]` to set the CCGs taking part."""

    class Meta:
        model = Cycle
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test authorisation wave {n}")
    kind = Cycle.Kind.AUTHORISATION
    framework = factory.LazyFunction(builtin_framework)
    region = factory.SubFactory(RegionFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=120))

    @factory.post_generation
    def ccgs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.ccgs.set(extracted)


class CycleStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CycleStep

    cycle = factory.SubFactory(CycleFactory)
    step = CycleStep.Step.SELF_ASSESSMENT
    opens_on = factory.SelfAttribute("cycle.starts_on")
    deadline = factory.LazyAttribute(lambda o: o.cycle.starts_on + datetime.timedelta(days=30))
