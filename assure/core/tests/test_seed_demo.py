"""`manage.py seed_demo`: the demo region and its eight documented logins. Idempotent.

The test database already holds the demo region (see the root conftest), so these tests run the command again
and check what is there.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from assure.accounts.models import User
from assure.assessments.models import Assessment
from assure.core.demo import CYCLE_NAME, DEMO_PASSWORD
from assure.cycles.models import Cycle, CycleStep
from assure.frameworks.models import Framework
from assure.organisations.models import Membership, Organisation, Relation, Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

# The logins the README and the command's output promise: email -> (organisation code, role), or admin.
LOGINS = {
    "admin@example.org": None,
    "region@example.org": ("Y56", Role.REGIONAL_LEAD),
    "assessor@example.org": ("Y56", Role.ASSESSOR),
    "ccg.lead@example.org": ("07R", Role.CCG_LEAD),
    "ccg.staff@example.org": ("07R", Role.CCG_CONTRIBUTOR),
    "hwb.lead@example.org": ("HWB-CAM", Role.HWB_LEAD),
    "ccg2.lead@example.org": ("08H", Role.CCG_LEAD),
    "ccg3.lead@example.org": ("08D", Role.CCG_LEAD),
}
COUNTED = [User, Organisation, Relation, Membership, Cycle, CycleStep, Framework, Assessment]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    before = counts()

    with pytest.raises(CommandError) as info:
        seed()

    assert "only runs with DEBUG on" in str(info.value)
    assert "--force" in str(info.value)
    assert counts() == before


def test_with_force_it_runs_with_debug_off_and_lists_the_logins(settings):
    settings.DEBUG = False

    output = seed("--force")

    assert "Demo region ready." in output
    for email in LOGINS:
        assert email in output
    assert f"Every demo login has the password: {DEMO_PASSWORD}" in output


def test_it_runs_with_debug_on(settings):
    settings.DEBUG = True

    assert "Demo region ready." in seed()


def test_running_it_again_creates_no_duplicates():
    before = counts()

    seed("--force")
    seed("--force")

    assert counts() == before


def test_running_it_again_puts_back_the_demo_password():
    user = User.objects.get(email="ccg.lead@example.org")
    user.set_password("something-else-entirely")
    user.save()

    seed("--force")

    assert authenticate(username="ccg.lead@example.org", password=DEMO_PASSWORD) is not None


@pytest.mark.parametrize(("email", "role"), LOGINS.items())
def test_each_documented_login_signs_in_with_the_demo_password_and_has_its_role(email, role):
    user = authenticate(username=email, password=DEMO_PASSWORD)

    assert user is not None
    assert user.email == email
    memberships = set(Membership.objects.filter(user=user).values_list("organisation__code", "role"))
    if role is None:
        assert user.is_platform_admin
        assert memberships == set()
    else:
        assert not user.is_staff
        assert memberships == {role}


def test_six_ccgs_each_with_ten_member_practices_and_an_hwb():
    ccgs = Organisation.objects.of_type("ccg").filter(region__code="Y56")

    assert ccgs.count() >= 6
    for ccg in ccgs:
        relations = Relation.objects.filter(subject=ccg)
        assert relations.filter(kind=Relation.Kind.MEMBER_PRACTICE).count() == 10, ccg.name
        assert relations.filter(kind=Relation.Kind.HWB_PARTNER).count() >= 1, ccg.name
        assert relations.filter(kind=Relation.Kind.COMMISSIONING_SUPPORT).count() == 1, ccg.name


def test_city_and_hackney_partners_with_two_boards_neither_coterminous():
    partners = Relation.objects.filter(subject__code="07T", kind=Relation.Kind.HWB_PARTNER)

    assert sorted(partners.values_list("object__name", flat=True)) == [
        "City of London Health and Wellbeing Board",
        "Hackney Health and Wellbeing Board",
    ]
    assert not partners.filter(coterminous=True).exists()
    assert Relation.objects.get(subject__code="07R", kind=Relation.Kind.HWB_PARTNER).coterminous


def test_every_board_belongs_to_its_council():
    for hwb in Organisation.objects.of_type("hwb").filter(region__code="Y56"):
        council = Relation.objects.get(subject=hwb, kind=Relation.Kind.HWB_LOCAL_AUTHORITY).object
        assert council.type.code == "local_authority"


def test_an_open_authorisation_cycle_runs_the_builtin_framework_for_every_ccg():
    cycle = Cycle.objects.get(name=CYCLE_NAME)

    assert cycle.kind == Cycle.Kind.AUTHORISATION
    assert cycle.is_open
    assert cycle.framework.slug == "ccg-authorisation-2012"
    assert cycle.region.code == "Y56"
    assert set(cycle.ccgs.values_list("code", flat=True)) == {"07R", "07T", "08D", "08H", "08M", "08V"}
    assert list(cycle.steps.values_list("step", flat=True)) == [
        CycleStep.Step.SELF_ASSESSMENT,
        CycleStep.Step.PARTNERSHIP_REVIEW,
        CycleStep.Step.SURVEY,
        CycleStep.Step.ASSESSOR_REVIEW,
    ]
    assert all(cycle.starts_on <= step.deadline <= cycle.ends_on for step in cycle.steps.all())


def test_without_the_builtin_framework_it_stops_and_leaves_everything_as_it_was():
    Framework.objects.filter(slug="ccg-authorisation-2012").update(slug="renamed")
    Organisation.objects.filter(code="07R").update(name="Renamed CCG")

    with pytest.raises(CommandError, match=r"run `manage\.py migrate` first"):
        seed("--force")

    # The run was rolled back whole: it had put Camden's name back before it stopped.
    assert Organisation.objects.get(code="07R").name == "Renamed CCG"


def test_haringey_is_in_its_second_cycle_with_its_self_assessment_part_confirmed():
    from assure.assessments.models import CarryOver
    from assure.core.demo import ANNUAL_CYCLE_NAME, PREVIOUS_CYCLE_NAME
    from assure.cycles import progress

    annual = Cycle.objects.get(name=ANNUAL_CYCLE_NAME)
    assert annual.kind == Cycle.Kind.ANNUAL_ASSURANCE and annual.previous.name == PREVIOUS_CYCLE_NAME
    assert list(annual.ccgs.values_list("code", flat=True)) == ["08D"]
    assessment = Assessment.objects.get(cycle=annual, organisation__code="08D")
    assert CarryOver.objects.get(assessment=assessment).source.assessment.cycle == annual.previous
    responses = assessment.responses.select_related("item__domain")
    assert not any(r.carried_over for r in responses if r.item.domain.number == 1)
    assert all(r.carried_over for r in responses if r.item.domain.number > 1)
    states = {
        s.step.step: s.state.state
        for s in progress.standings(annual, [assessment.organisation_id])[assessment.organisation_id]
    }
    assert states["partnership_review"] == "overdue" and states["self_assessment"] == "due_soon"


def test_haringey_s_open_action_of_last_year_carries_into_its_annual_assurance_plan():
    from assure.core.demo import ANNUAL_CYCLE_NAME
    from assure.plans.models import Action

    annual = Cycle.objects.get(name=ANNUAL_CYCLE_NAME)
    carried = Action.objects.filter(
        plan__cycle=annual, plan__organisation__code="08D", carried_from__isnull=False
    )
    assert [(a.title, a.carried_from.plan.cycle_id) for a in carried] == [
        ("Agree a clinical engagement plan with member practices", annual.previous_id)
    ]
    # What was done last year stays there.
    assert not Action.objects.filter(plan__cycle=annual, title__startswith="Set up a joint").exists()
