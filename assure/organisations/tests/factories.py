import factory

from assure.organisations.models import Membership, Organisation, OrganisationType, Relation, Role


class OrganisationTypeFactory(factory.django.DjangoModelFactory):
    """The built-in types exist in every database (a data migration); this reuses them by code."""

    class Meta:
        model = OrganisationType
        django_get_or_create = ("code",)

    code = OrganisationType.CCG
    name = factory.LazyAttribute(lambda o: o.code.replace("_", " ").capitalize())
    plural = factory.LazyAttribute(lambda o: f"{o.name}s")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"Test organisation {n}")
    type = factory.SubFactory(OrganisationTypeFactory, code=OrganisationType.PROVIDER)
    region = None


class RegionFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"NHS Commissioning Board – test region {n}")
    type = factory.SubFactory(OrganisationTypeFactory, code=OrganisationType.REGION)


class CCGFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"NHS Test Town {n} CCG")
    type = factory.SubFactory(OrganisationTypeFactory, code=OrganisationType.CCG)
    region = factory.SubFactory(RegionFactory)


class HWBFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Test Town {n} Health and Wellbeing Board")
    type = factory.SubFactory(OrganisationTypeFactory, code=OrganisationType.HWB)
    region = factory.SubFactory(RegionFactory)


class GPPracticeFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Test Street Surgery {n}")
    type = factory.SubFactory(OrganisationTypeFactory, code=OrganisationType.GP_PRACTICE)


class RelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relation

    kind = Relation.Kind.MEMBER_PRACTICE
    subject = factory.SubFactory(CCGFactory)
    object = factory.SubFactory(GPPracticeFactory, region=factory.SelfAttribute("..subject.region"))
    coterminous = False


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("assure.accounts.tests.factories.UserFactory")
    organisation = factory.SubFactory(CCGFactory)
    role = Role.CCG_LEAD
