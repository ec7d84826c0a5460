import datetime

import factory
from django.utils import timezone

from assure.goodpractice import services
from assure.goodpractice.models import Example


class ExampleFactory(factory.django.DjangoModelFactory):
    """An example in any state, written directly (as if its workflow had already happened), with its search text
    brought up to date. Pass `tags=[domain, theme, item, …]`."""

    class Meta:
        model = Example
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Test example {n}")
    summary = "A short summary of what changed."
    what_we_did = "We worked with our partners on it."
    results = "Things improved."
    contact_name = "Pat Contact"
    contact_email = "pat@example.org"
    status = Example.Status.PUBLISHED
    submitted_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))
    published_at = factory.LazyAttribute(
        lambda o: (
            timezone.now() - datetime.timedelta(days=1) if o.status == Example.Status.PUBLISHED else None
        )
    )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        from assure.frameworks.models import Domain, Item, Theme

        for tag in extracted or []:
            if isinstance(tag, Domain):
                self.domains.add(tag)
            elif isinstance(tag, Theme):
                self.themes.add(tag)
                self.domains.add(tag.domain)
            elif isinstance(tag, Item):
                self.items.add(tag)
                self.domains.add(tag.domain)
        services.example_reindex(example=self)
