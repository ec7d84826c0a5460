import factory

from assure.plans.models import Action, Plan


class PlanFactory(factory.django.DjangoModelFactory):
    """Pass `cycle=` and `organisation=` (a CCG taking part in the cycle)."""

    class Meta:
        model = Plan


class ActionFactory(factory.django.DjangoModelFactory):
    """One of the CCG's own actions, open, with no owner or due date unless given."""

    class Meta:
        model = Action

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Development action {n}")
    source = Action.Source.OWN
