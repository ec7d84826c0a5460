"""Fixtures shared by the whole suite: the demo region, a signed-in client per role, and an outsider.

Every test database holds, before any test runs:
- the built-in framework `ccg-authorisation-2012` (loaded by a post_migrate signal), and
- the demo region from `seed_demo()` (loaded once per test database by `django_db_setup` below, because
  seeding takes seconds; each test's changes to it are rolled back as usual).
Ask for the `demo` fixture to get at its organisations, people and cycle.
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import hypothesis
import pytest
from django.test import Client

from assure.accounts.models import User
from assure.core.demo import CYCLE_NAME, FRAMEWORK_SLUG, seed_demo
from assure.cycles.models import Cycle
from assure.frameworks.models import Framework
from assure.organisations.models import Organisation, Relation, Role

# Property tests are about correctness, not speed: no per-example deadline, which only flakes on busy CI machines.
# Locally each run tries new examples; CI (HYPOTHESIS_PROFILE=ci) tries the same ones every time, so a run that
# passed once passes again, and what a local run finds is added as a test.
hypothesis.settings.register_profile("assure", deadline=None)
hypothesis.settings.register_profile("ci", deadline=None, derandomize=True, database=None)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "assure"))

DEMO_EMAILS = {
    "admin": "admin@example.org",
    "region_lead": "region@example.org",
    "assessor": "assessor@example.org",
    "ccg_lead": "ccg.lead@example.org",
    "ccg_staff": "ccg.staff@example.org",
    "hwb_lead": "hwb.lead@example.org",
    "ccg2_lead": "ccg2.lead@example.org",
    "assessor2": "assessor2@example.org",
    "ccg3_lead": "ccg3.lead@example.org",
}


@pytest.fixture
def framework(db) -> Framework:
    """The built-in framework, as stored in the test database."""
    return Framework.objects.latest_versions().get(slug=FRAMEWORK_SLUG)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the demo region once per test database (each xdist worker has its own)."""
    with django_db_blocker.unblock():
        seed_demo()


@pytest.fixture(autouse=True)
def _empty_file_storage(settings):
    """Each test starts with an empty in-memory file storage, so files one test saves are not seen by the next."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so rate-limit counters from one test never reach the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def demo(db) -> SimpleNamespace:
    """The demo region (London-like: six CCGs with their HWBs, boroughs and practices) and its seven logins."""
    if not User.objects.filter(email=DEMO_EMAILS["admin"]).exists():
        _reseed()  # a transactional test emptied the database
    orgs = Organisation.objects.in_bulk(
        ["Y56", "0DF", "07R", "08H", "07T", "HWB-CAM", "HWB-HAC", "HWB-COL", "E09000007"], field_name="code"
    )
    users = {key: User.objects.get(email=email) for key, email in DEMO_EMAILS.items()}
    return SimpleNamespace(
        region=orgs["Y56"],
        csu=orgs["0DF"],
        ccg=orgs["07R"],  # NHS Camden CCG
        ccg2=orgs["08H"],  # NHS Islington CCG
        hackney=orgs["07T"],  # NHS City and Hackney CCG: partners with two HWBs
        hwb=orgs["HWB-CAM"],
        camden_council=orgs["E09000007"],
        hackney_hwbs=[orgs["HWB-HAC"], orgs["HWB-COL"]],
        ccgs=list(Organisation.objects.of_type("ccg").filter(region=orgs["Y56"])),
        cycle=Cycle.objects.get(name=CYCLE_NAME),
        framework=Framework.objects.latest_versions().get(slug=FRAMEWORK_SLUG),
        users=users,
        **users,
    )


def _reseed() -> None:
    """Put back what an emptied database lacks: the built-in organisation types (a data migration), the
    built-in framework (loaded after migrate) and the demo region."""
    import importlib

    from django.apps import apps

    from assure.frameworks.signals import load_builtin_frameworks
    from assure.organisations.models import OrganisationType

    if not OrganisationType.objects.exists():
        importlib.import_module("assure.organisations.migrations.0002_organisation_types").create_types(
            apps, None
        )
    if not Framework.objects.filter(slug=FRAMEWORK_SLUG).exists():
        load_builtin_frameworks(sender=None, verbosity=0)
    seed_demo()


@pytest.fixture
def client_for(db):
    """`client_for(email or user)` gives a new test client signed in as that person."""

    def make(who: str | User) -> Client:
        user = who if isinstance(who, User) else User.objects.get(email=who)
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def platform_admin_client(demo, client_for) -> Client:
    return client_for(DEMO_EMAILS["admin"])


@pytest.fixture
def region_client(demo, client_for) -> Client:
    return client_for(DEMO_EMAILS["region_lead"])


@pytest.fixture
def assessor_client(demo, client_for) -> Client:
    return client_for(DEMO_EMAILS["assessor"])


@pytest.fixture
def ccg_lead_client(demo, client_for) -> Client:
    return client_for(DEMO_EMAILS["ccg_lead"])


@pytest.fixture
def ccg_staff_client(demo, client_for) -> Client:
    return client_for(DEMO_EMAILS["ccg_staff"])


@pytest.fixture
def hwb_lead_client(demo, client_for) -> Client:
    return client_for(DEMO_EMAILS["hwb_lead"])


@pytest.fixture
def ccg2_lead_client(demo, client_for) -> Client:
    return client_for(DEMO_EMAILS["ccg2_lead"])


@pytest.fixture
def elsewhere(db) -> SimpleNamespace:
    """Another region, with its own CCG, HWB, practice and open cycle: nothing a London login may see."""
    from assure.cycles.tests.factories import CycleFactory
    from assure.organisations.tests.factories import (
        CCGFactory,
        GPPracticeFactory,
        HWBFactory,
        RegionFactory,
        RelationFactory,
    )

    region = RegionFactory(code="Y55", name="NHS Commissioning Board – Midlands and East")
    ccg = CCGFactory(code="04K", name="NHS Nottingham City CCG", region=region)
    hwb = HWBFactory(code="HWB-NOT", name="Nottingham Health and Wellbeing Board", region=region)
    practice = GPPracticeFactory(code="C84001", name="Bulwell Surgery", region=region)
    RelationFactory(kind=Relation.Kind.HWB_PARTNER, subject=ccg, object=hwb, coterminous=True)
    RelationFactory(kind=Relation.Kind.MEMBER_PRACTICE, subject=ccg, object=practice)
    cycle = CycleFactory(name="Midlands and East CCG authorisation, wave 2", region=region, ccgs=[ccg])
    return SimpleNamespace(region=region, ccg=ccg, hwb=hwb, practice=practice, cycle=cycle)


@pytest.fixture
def outsider(elsewhere) -> User:
    """A CCG lead of a CCG in another region."""
    from assure.accounts.tests.factories import UserFactory
    from assure.organisations.tests.factories import MembershipFactory

    user = UserFactory(email="outsider@example.org", full_name="Olive Outsider")
    MembershipFactory(user=user, organisation=elsewhere.ccg, role=Role.CCG_LEAD)
    return user


@pytest.fixture
def outsider_client(outsider, client_for) -> Client:
    return client_for(outsider)


@pytest.fixture
def token_for(db):
    """`token_for(email or user)` issues a personal API token and returns the secret, as a person would copy it."""
    from assure.accounts.models import ApiToken

    def issue(who: str | User, name: str = "Test script") -> str:
        user = who if isinstance(who, User) else User.objects.get(email=who)
        _, token = ApiToken.issue(user=user, name=name)
        return token

    return issue


@pytest.fixture
def api_get(client):
    """`api_get(url, token)` calls the API with `Authorization: Bearer <token>` (or none when token is None)."""

    def get(url: str, token: str | None = None, **params):
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return client.get(url, params, headers=headers)

    return get
