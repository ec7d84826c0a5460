"""`manage.py seed_national`: a generated England, deterministic, re-runnable, and leaving other data alone.

The tests run it at a small scale (`--scale 0.02`: four CCGs, each as deep as at full size).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from assure.accounts.models import User
from assure.assessments import services as assessment_services
from assure.assessments.models import Assessment, ItemResponse, Submission
from assure.audit.models import AuditEvent
from assure.core.demo import DEMO_PASSWORD
from assure.cycles.models import Cycle
from assure.evidence.models import Evidence
from assure.frameworks.models import Item
from assure.goodpractice.models import Example
from assure.national.dataset import CYCLE_NAMES, EMAIL_DOMAIN, PREFIX
from assure.organisations.models import Membership, Organisation, Relation, Role
from assure.partnerships import services as partnership_services
from assure.partnerships.models import AgreedItem, PartnershipReview, SideRating
from assure.surveys import services as survey_services
from assure.surveys.models import Response, Stakeholder, Survey

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_national", "--scale", "0.02", "--force", *args, stdout=out, verbosity=0)
    return out.getvalue()


def national(**filters):
    return Organisation.objects.filter(code__startswith=PREFIX, **filters)


def everything() -> dict[str, object]:
    """What the national dataset holds, by public ids and codes, to compare two runs."""
    return {
        "organisations": sorted(national().values_list("code", "name", "public_id", "region__code")),
        "relations": sorted(
            Relation.objects.filter(subject__code__startswith=PREFIX).values_list(
                "kind", "subject__code", "object__code", "coterminous"
            )
        ),
        "people": sorted(User.objects.filter(email__endswith=EMAIL_DOMAIN).values_list("email", "public_id")),
        "memberships": sorted(
            Membership.objects.filter(organisation__code__startswith=PREFIX).values_list(
                "user__email", "organisation__code", "role"
            )
        ),
        "cycles": sorted(Cycle.objects.filter(name__in=CYCLE_NAMES).values_list("name", "public_id")),
        "assessments": sorted(
            Assessment.objects.filter(organisation__code__startswith=PREFIX).values_list(
                "public_id", "status", "shared_with_hwb"
            )
        ),
        "ratings": sorted(
            ItemResponse.objects.filter(assessment__organisation__code__startswith=PREFIX).values_list(
                "assessment__public_id", "item__code", "rating", "not_applicable", "narrative"
            )
        ),
        "evidence": sorted(
            Evidence.objects.filter(organisation__code__startswith=PREFIX).values_list(
                "public_id", "title", "url", "original_name"
            )
        ),
        "submissions": Submission.objects.filter(assessment__organisation__code__startswith=PREFIX).count(),
        "audit": AuditEvent.objects.filter(organisation__code__startswith=PREFIX).count(),
        "reviews": sorted(
            PartnershipReview.objects.filter(ccg__code__startswith=PREFIX).values_list(
                "public_id", "ccg__code", "hwb__code", "status", "snapshot"
            )
        ),
        "side ratings": sorted(
            SideRating.objects.filter(review__ccg__code__startswith=PREFIX).values_list(
                "review__public_id", "item__code", "side", "rating", "comment"
            )
        ),
        "agreed items": sorted(
            AgreedItem.objects.filter(review__ccg__code__startswith=PREFIX).values_list(
                "review__public_id",
                "item__code",
                "agreed_rating",
                "action",
                "action_owner__code",
                "action_due",
            )
        ),
        "surveys": sorted(
            Survey.objects.filter(organisation__code__startswith=PREFIX).values_list(
                "public_id", "organisation__code", "opens_at", "closes_at"
            )
        ),
        "stakeholders": sorted(
            Stakeholder.objects.filter(survey__organisation__code__startswith=PREFIX).values_list(
                "public_id", "email", "group", "invited_at", "responded_at", "reminders"
            )
        ),
        "good practice": sorted(
            Example.objects.filter(organisation__code__startswith=PREFIX).values_list(
                "public_id", "organisation__code", "title", "status", "published_at", "search_document"
            )
        ),
        # Links, their hashes and the responses' keys and ids are fresh secrets every run; what was answered is not.
        "responses": sorted(
            (group, sorted(answers.items()), sorted(comments.items()))
            for group, answers, comments in Response.objects.filter(
                survey__organisation__code__startswith=PREFIX
            ).values_list("group", "answers", "comments")
        ),
    }


def demo_data() -> dict[str, object]:
    outside = Organisation.objects.exclude(code__startswith=PREFIX)
    return {
        "organisations": sorted(outside.values_list("code", "name", "public_id")),
        "relations": Relation.objects.filter(subject__in=outside).count(),
        "memberships": sorted(
            Membership.objects.filter(organisation__in=outside).values_list(
                "user__email", "organisation__code"
            )
        ),
        "cycles": sorted(Cycle.objects.exclude(name__in=CYCLE_NAMES).values_list("name", "public_id")),
        "assessments": sorted(
            Assessment.objects.filter(organisation__in=outside).values_list("public_id", "status")
        ),
        "ratings": ItemResponse.objects.filter(
            assessment__organisation__in=outside, rating__isnull=False
        ).count(),
        "evidence": Evidence.objects.filter(organisation__in=outside).count(),
        "audit": AuditEvent.objects.filter(organisation__in=outside).count(),
        "good practice": sorted(
            Example.objects.filter(organisation__in=outside).values_list("public_id", "status")
        ),
    }


def test_it_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_national", "--scale", "0.02", stdout=StringIO())
    assert not national().exists()


@pytest.mark.parametrize("scale", ["0", "-1", "1.5"])
def test_it_refuses_a_scale_outside_zero_to_one(scale):
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_national", "--scale", scale, "--force", stdout=StringIO())


def test_it_builds_a_country_of_the_asked_size():
    output = seed()

    assert "National dataset ready" in output
    ccgs = list(national(type__code="ccg"))
    assert len(ccgs) == 4  # 211 × 0.02
    assert national(type__code="hwb").count() == 3  # 152 × 0.02
    assert national(type__code="gp_practice").count() == 160  # 8,000 × 0.02
    assert national(type__code="region").count() == 4
    assert national(type__code="local_authority").count() == 3
    assert national(type__code="patient_group").exists()
    assert national(type__code="provider").exists()
    for ccg in ccgs:
        kinds = set(ccg.relations_out.values_list("kind", flat=True))
        assert kinds == {"member_practice", "hwb_partner", "commissioning_support"}, ccg
        assert ccg.memberships.filter(role=Role.CCG_LEAD).exists()
        assert ccg.memberships.count() >= 20
    for hwb in national(type__code="hwb"):
        assert hwb.relations_in.filter(kind="hwb_partner").exists()
        assert hwb.relations_out.filter(kind="hwb_local_authority").count() == 1


def test_every_cycle_has_every_ccg_with_a_complete_self_assessment(framework):
    seed()

    cycles = list(Cycle.objects.filter(name__in=CYCLE_NAMES).order_by("starts_on"))
    assert [c.kind for c in cycles] == ["authorisation", "annual_assurance", "annual_assurance"]
    assert [c.previous for c in cycles] == [None, cycles[0], cycles[1]]
    assert cycles[-1].is_open and not cycles[0].is_open
    ccgs = set(national(type__code="ccg"))
    items = Item.objects.filter(framework=framework).count()
    for cycle in cycles:
        assert set(cycle.ccgs.all()) == ccgs
        assert cycle.steps.count() == 4
        assert cycle.assessments.count() == len(ccgs)
    responses = ItemResponse.objects.filter(assessment__cycle__in=cycles)
    assert responses.count() == 3 * len(ccgs) * items
    assert not responses.filter(rating__isnull=True, not_applicable=False).exists()
    # Submitted, but the demo CCG's self-assessment in the open cycle, which its logins can still work on.
    drafts = Assessment.objects.filter(cycle__in=cycles, status="draft")
    assert [(a.organisation.code, a.cycle) for a in drafts] == [(f"{PREFIX}C001", cycles[-1])]
    for assessment in Assessment.objects.filter(cycle__in=cycles, status="submitted"):
        assert assessment.submissions.filter(reopened_at__isnull=True).count() == 1


def test_its_snapshots_are_what_submitting_writes():
    seed()

    for submission in Submission.objects.filter(
        assessment__organisation__code__startswith=PREFIX, reopened_at__isnull=True
    ).select_related("assessment__cycle__framework", "submitted_by")[:6]:
        expected = assessment_services._snapshot(
            submission.assessment, submission.submitted_by, submission.submitted_at
        )
        assert submission.snapshot == expected


def test_evidence_is_links_and_small_files_in_the_storage():
    seed()

    ccg = national(type__code="ccg").first()
    evidence = list(Evidence.objects.filter(organisation=ccg))
    files = [e for e in evidence if e.file]
    assert len(evidence) == 16
    assert len(files) == 4
    for record in files:
        assert default_storage.exists(record.file.name)
        assert record.file.open("rb").read().startswith(b"%PDF-")
    assert all(e.domains.exists() for e in evidence)


def test_the_demo_logins_are_attached_to_the_first_ccg_and_hwb():
    seed()

    first, second = national(type__code="ccg").order_by("code")[:2]
    hwb = first.relations_out.get(kind="hwb_partner", object__code=f"{PREFIX}H001").object
    expected = {
        "ccg.lead@example.org": (first, Role.CCG_LEAD),
        "ccg.staff@example.org": (first, Role.CCG_CONTRIBUTOR),
        "hwb.lead@example.org": (hwb, Role.HWB_LEAD),
        "ccg2.lead@example.org": (second, Role.CCG_LEAD),
        "assessor@example.org": (first.region, Role.ASSESSOR),
    }
    for email, (organisation, role) in expected.items():
        assert Membership.objects.filter(user__email=email, organisation=organisation, role=role).exists(), (
            email
        )
        assert authenticate(username=email, password=DEMO_PASSWORD) is not None
    led = set(
        Membership.objects.filter(user__email="region@example.org", role=Role.REGIONAL_LEAD).values_list(
            "organisation__code", flat=True
        )
    )
    assert set(national(type__code="region").values_list("code", flat=True)) <= led
    # Generated people cannot sign in.
    someone = User.objects.filter(email__endswith=EMAIL_DOMAIN).first()
    assert not someone.has_usable_password()


def test_running_it_again_replaces_its_data_with_the_same_data_and_leaves_the_demo_alone(demo, client_for):
    before_demo = demo_data()
    seed()
    first = everything()
    assert first["organisations"] and first["ratings"]
    assert demo_data() == before_demo

    seed()

    assert everything() == first
    assert demo_data() == before_demo
    # The demo logins still work in the demo region too.
    response = client_for("ccg.lead@example.org").get("/")
    assert demo.ccg.name in response.content.decode()


def test_another_seed_gives_another_country():
    seed()
    first = everything()

    seed("--seed", "7")

    assert everything()["ratings"] != first["ratings"]


def test_the_generated_data_works_in_the_pages(client_for):
    seed()
    ccg = national(type__code="ccg").order_by("code").first()
    cycle = Cycle.objects.get(name=CYCLE_NAMES[-1])
    draft = Assessment.objects.get(cycle=cycle, organisation=ccg)
    lead = client_for("ccg.lead@example.org")

    assert lead.get("/").status_code == 200
    assert lead.get(f"/assessments/{draft.public_id}/").status_code == 200
    assert lead.get(f"/assessments/{draft.public_id}/domains/1/").status_code == 200
    assert lead.get(f"/evidence/library/{ccg.code}/").status_code == 200
    assert client_for("region@example.org").get(f"/cycles/{cycle.public_id}/").status_code == 200
    submitted = Assessment.objects.filter(cycle=cycle, status="submitted").first()
    page = client_for("assessor@example.org").get(f"/assessments/{submitted.public_id}/", follow=True)
    assert page.status_code == (200 if submitted.organisation.region == ccg.region else 404)


def test_every_partnership_has_a_review_in_every_cycle_rated_by_both_sides():
    seed()

    cycles = list(Cycle.objects.filter(name__in=CYCLE_NAMES).order_by("starts_on"))
    pairs = set(
        Relation.objects.filter(kind="hwb_partner", subject__code__startswith=PREFIX).values_list(
            "subject_id", "object_id"
        )
    )
    for cycle in cycles:
        reviews = PartnershipReview.objects.filter(cycle=cycle)
        assert set(reviews.values_list("ccg_id", "hwb_id")) == pairs
        assert not reviews.filter(ccg_released_at__isnull=True).exists()
        assert not reviews.filter(hwb_released_at__isnull=True).exists()
    items = len(partnership_services.review_items(cycles[0].framework))
    reviews = PartnershipReview.objects.filter(cycle__in=cycles)
    ratings = SideRating.objects.filter(review__in=reviews)
    assert ratings.count() == 2 * items * reviews.count()
    assert not ratings.filter(rating__isnull=True).exists()
    assert AgreedItem.objects.filter(review__in=reviews).count() == items * reviews.count()
    # Finished cycles are agreed throughout; the open cycle's demo review is still being agreed.
    assert set(reviews.filter(cycle__in=cycles[:2]).values_list("status", flat=True)) == {"agreed"}
    demo = reviews.get(cycle=cycles[-1], ccg__code=f"{PREFIX}C001", hwb__code=f"{PREFIX}H001")
    assert demo.status == "agreeing"
    agreed = reviews.filter(status="agreed")
    assert not AgreedItem.objects.filter(review__in=agreed, agreed_rating__isnull=True).exists()
    assert AgreedItem.objects.filter(review__in=agreed).exclude(action="").exists()
    for review in agreed.select_related("cycle__framework", "ccg", "hwb")[:4]:
        assert review.snapshot == partnership_services.review_snapshot(review, review.agreed_at)


def test_every_ccg_has_a_survey_in_every_cycle_answered_anonymously():
    seed()

    cycles = list(Cycle.objects.filter(name__in=CYCLE_NAMES).order_by("starts_on"))
    ccgs = national(type__code="ccg").count()
    for cycle in cycles:
        surveys = Survey.objects.filter(cycle=cycle)
        assert surveys.count() == ccgs
        for survey in surveys:
            assert survey.is_closed == (cycle != cycles[-1])
            assert survey.is_open == (cycle == cycles[-1])
            stakeholders = survey.stakeholders.all()
            assert stakeholders.count() == 100
            assert not stakeholders.filter(invited_at__isnull=True).exists()
            responded = stakeholders.filter(responded_at__isnull=False)
            # As many responses, group by group, as stakeholders who responded.
            assert sorted(responded.values_list("group", flat=True)) == sorted(
                survey.responses.values_list("group", flat=True)
            )
            if survey.is_closed:
                assert 45 <= responded.count() <= 75  # about 60%
    # Nothing on a response points at a stakeholder: no link, no hash of one, no timestamps.
    assert {f.name for f in Response._meta.concrete_fields} == {
        "id",
        "survey",
        "key",
        "group",
        "answers",
        "comments",
    }
    hashes = set(Stakeholder.objects.values_list("token_hash", flat=True))
    keys = set(Response.objects.values_list("key", flat=True))
    assert not hashes & keys
    closed = Survey.objects.filter(cycle=cycles[0]).first()
    results = survey_services.survey_results(closed)
    assert results.overall is not None and results.total == closed.responses.count()


def test_a_respondent_link_made_for_the_generated_survey_works(client):
    from assure.national.targets import respondent_links, targets

    seed()
    found = targets()
    link = respondent_links(1)[0]
    survey = Survey.objects.get(public_id=found["open_survey"])
    before = survey.responses.count()
    answers = {f"s-{code}": "agree" for code in found["statements"]}

    assert client.get(f"/s/{link}/").status_code == 200
    response = client.post(f"/s/{link}/", answers)

    assert response.status_code == 302
    assert survey.responses.count() == before + 1


def test_the_good_practice_library_has_examples_in_every_state_across_the_domains(client, client_for):
    seed()
    examples = Example.objects.filter(organisation__code__startswith=PREFIX)
    assert examples.count() >= 12
    assert set(examples.values_list("status", flat=True)) == set(Example.Status.values)
    published = examples.filter(status=Example.Status.PUBLISHED)
    assert published.count() >= examples.count() / 2
    assert all(e.moderated_by and e.published_at for e in published)
    for example in examples.prefetch_related("domains", "items", "themes"):
        [domain] = example.domains.all()
        assert example.items.all() and {i.domain_id for i in example.items.all()} == {domain.pk}
        assert {t.domain_id for t in example.themes.all()} == {domain.pk}
    # The demo CCG lead has a draft and one sent back for changes.
    mine = examples.filter(organisation__code=f"{PREFIX}C001", created_by__email="ccg.lead@example.org")
    assert sorted(mine.values_list("status", flat=True)) == ["changes_requested", "draft"]

    # Published examples are found by the public library's search; the others are not shown.
    one = published.first()
    word = one.title.split()[1]
    listing = client.get("/good-practice/", {"q": one.title}).content.decode()
    assert one.title in listing and word
    hidden = examples.exclude(status=Example.Status.PUBLISHED).first()
    assert client.get(f"/good-practice/{hidden.public_id}/").status_code == 404
    assert client_for("ccg.lead@example.org").get("/good-practice/yours/").status_code == 200
