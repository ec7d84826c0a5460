"""Who sees which organisations and cycles, role by role (`visible_to(user)` on both querysets)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from assure.accounts.tests.factories import UserFactory
from assure.core import permissions
from assure.cycles.models import Cycle
from assure.cycles.tests.factories import CycleFactory
from assure.organisations.models import Organisation, Role
from assure.organisations.tests.factories import MembershipFactory

LONDON_CYCLE = "London CCG authorisation, wave 3"
# The demo region also runs last year's wave 2 and this year's annual assurance (NHS Haringey CCG's second cycle).
LONDON_CYCLES = sorted([LONDON_CYCLE, "London CCG authorisation, wave 2", "London annual assurance 2013–14"])
ELSEWHERE_CYCLE = "Midlands and East CCG authorisation, wave 2"


def org_codes(user) -> set[str]:
    return set(Organisation.objects.visible_to(user).values_list("code", flat=True))


def cycle_names(user) -> list[str]:
    return sorted(Cycle.objects.visible_to(user).values_list("name", flat=True))


def practices_of(ccg) -> set[str]:
    return set(
        Organisation.objects.filter(
            relations_in__subject=ccg, relations_in__kind="member_practice"
        ).values_list("code", flat=True)
    )


@pytest.fixture
def world(demo, elsewhere):
    return demo


def test_the_platform_admin_sees_everything(world):
    assert org_codes(world.admin) == set(Organisation.objects.values_list("code", flat=True))
    assert cycle_names(world.admin) == sorted([*LONDON_CYCLES, ELSEWHERE_CYCLE])
    assert permissions.is_platform_admin(world.admin)


@pytest.mark.parametrize("who", ["region_lead", "assessor"])
def test_regional_leads_and_assessors_see_their_whole_region_and_nothing_else(world, who):
    user = world.users[who]
    london = set(Organisation.objects.filter(region=world.region).values_list("code", flat=True))

    assert org_codes(user) == london | {"Y56"}
    assert len(london) > 80
    assert "04K" not in org_codes(user)
    assert cycle_names(user) == LONDON_CYCLES
    assert not permissions.is_platform_admin(user)


@pytest.mark.parametrize("who", ["ccg_lead", "ccg_staff"])
def test_ccg_leads_and_contributors_see_their_ccg_and_its_related_organisations(world, who):
    user = world.users[who]

    assert org_codes(user) == {"07R", "HWB-CAM", "0DF"} | practices_of(world.ccg)
    assert len(practices_of(world.ccg)) == 10
    assert cycle_names(user) == [LONDON_CYCLE]


def test_a_ccg_lead_does_not_see_a_neighbouring_ccg_or_its_practices(world):
    seen = org_codes(world.ccg_lead)

    assert "08H" not in seen  # NHS Islington CCG
    assert not seen & practices_of(world.ccg2)
    assert "E09000007" not in seen  # Camden's council is related to the HWB, not to the CCG
    assert "Y56" not in seen  # nor the region itself


def test_the_second_ccg_lead_sees_islington_not_camden(world):
    seen = org_codes(world.ccg2_lead)

    assert "08H" in seen
    assert "07R" not in seen
    assert seen >= practices_of(world.ccg2)


def test_an_hwb_lead_sees_their_board_its_partner_ccg_and_council(world):
    assert org_codes(world.hwb_lead) == {"HWB-CAM", "07R", "E09000007"}
    assert cycle_names(world.hwb_lead) == [LONDON_CYCLE]


def test_an_hwb_member_of_a_board_with_a_non_coterminous_ccg_sees_it(world):
    member = UserFactory()
    MembershipFactory(user=member, organisation=world.hackney_hwbs[1], role=Role.HWB_MEMBER)  # City of London

    assert org_codes(member) == {"HWB-COL", "07T", "E09000001"}
    assert cycle_names(member) == [LONDON_CYCLE]


def test_the_outsider_sees_only_their_own_region_s_organisations_and_cycle(world, outsider):
    assert org_codes(outsider) == {"04K", "HWB-NOT", "C84001"}
    assert cycle_names(outsider) == [ELSEWHERE_CYCLE]


def test_london_logins_do_not_see_the_other_region(world):
    for user in world.users.values():
        if user.is_superuser:
            continue
        assert "04K" not in org_codes(user), user.email
        assert ELSEWHERE_CYCLE not in cycle_names(user), user.email


def test_anonymous_visitors_see_nothing(world):
    for user in (AnonymousUser(), None):
        assert org_codes(user) == set()
        assert cycle_names(user) == []


def test_a_person_with_no_organisation_sees_nothing(world):
    assert org_codes(UserFactory()) == set()
    assert cycle_names(UserFactory()) == []


def test_staff_status_alone_grants_nothing(world):
    staff = UserFactory(is_staff=True)

    assert org_codes(staff) == set()
    assert cycle_names(staff) == []
    assert not permissions.is_platform_admin(staff)


def test_a_switched_off_person_sees_nothing(world):
    world.ccg_lead.is_active = False
    world.ccg_lead.save()

    assert org_codes(world.ccg_lead) == set()
    assert cycle_names(world.ccg_lead) == []


def test_a_national_cycle_is_seen_by_those_whose_ccgs_or_region_take_part(world, outsider):
    CycleFactory(
        name="National annual assurance", region=None, ccgs=[world.ccg], kind=Cycle.Kind.ANNUAL_ASSURANCE
    )

    assert "National annual assurance" in cycle_names(world.ccg_lead)
    assert "National annual assurance" in cycle_names(world.hwb_lead)
    assert "National annual assurance" in cycle_names(world.region_lead)
    assert "National annual assurance" not in cycle_names(world.ccg2_lead)
    assert "National annual assurance" not in cycle_names(outsider)


def test_a_cycle_is_listed_once_however_many_of_a_region_s_ccgs_take_part(world):
    assert Cycle.objects.visible_to(world.region_lead).count() == len(LONDON_CYCLES)
    assert len(world.cycle.ccgs.all()) == 6


def test_visible_to_keeps_other_filters(world):
    assert set(
        Organisation.objects.of_type("ccg").visible_to(world.region_lead).values_list("code", flat=True)
    ) == {
        "07R",
        "07T",
        "08D",
        "08H",
        "08M",
        "08V",
    }
    assert not Cycle.objects.filter(name="No such cycle").visible_to(world.admin).exists()
