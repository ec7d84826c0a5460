"""The demo region: a London-like area with six CCGs, their HWBs and boroughs, practices, providers and logins.

Running it twice changes nothing but the demo passwords (reset to the documented one).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from assure.accounts.models import User
from assure.cycles.models import Cycle, CycleStep
from assure.frameworks.models import Framework, Theme
from assure.organisations.models import Membership, Organisation, OrganisationType, Relation, Role

DEMO_PASSWORD = "assure-demo"
FRAMEWORK_SLUG = "ccg-authorisation-2012"
CYCLE_NAME = "London CCG authorisation, wave 3"

REGION = ("Y56", "NHS Commissioning Board – London")

# CCG code, CCG name, practice code prefix, [(HWB code, HWB name, LA code, LA name, co-terminous)]
CCGS = [
    (
        "07R",
        "NHS Camden CCG",
        "F83",
        [("HWB-CAM", "Camden Health and Wellbeing Board", "E09000007", "London Borough of Camden", True)],
    ),
    (
        "08H",
        "NHS Islington CCG",
        "F85",
        [
            (
                "HWB-ISL",
                "Islington Health and Wellbeing Board",
                "E09000019",
                "London Borough of Islington",
                True,
            )
        ],
    ),
    (
        "07T",
        "NHS City and Hackney CCG",
        "F84",
        [
            (
                "HWB-HAC",
                "Hackney Health and Wellbeing Board",
                "E09000012",
                "London Borough of Hackney",
                False,
            ),
            (
                "HWB-COL",
                "City of London Health and Wellbeing Board",
                "E09000001",
                "City of London Corporation",
                False,
            ),
        ],
    ),
    (
        "08V",
        "NHS Tower Hamlets CCG",
        "F86",
        [
            (
                "HWB-TOW",
                "Tower Hamlets Health and Wellbeing Board",
                "E09000030",
                "London Borough of Tower Hamlets",
                True,
            )
        ],
    ),
    (
        "08M",
        "NHS Newham CCG",
        "F87",
        [("HWB-NEW", "Newham Health and Wellbeing Board", "E09000025", "London Borough of Newham", True)],
    ),
    (
        "08D",
        "NHS Haringey CCG",
        "F88",
        [("HWB-HGY", "Haringey Health and Wellbeing Board", "E09000014", "London Borough of Haringey", True)],
    ),
]
PRACTICE_NAMES = [
    "Park Road Surgery",
    "The Village Practice",
    "Queens Crescent Medical Centre",
    "Church Street Health Centre",
    "Riverside Group Practice",
    "Brunswick Medical Centre",
    "The Grove Surgery",
    "Well Street Practice",
    "Mildmay Medical Practice",
    "Hillside Family Practice",
    "Canal Side Surgery",
]
PROVIDERS = [
    ("RAL", "Royal Free London NHS Foundation Trust"),
    ("RRV", "University College London Hospitals NHS Foundation Trust"),
    ("R1H", "Barts Health NHS Trust"),
]
HEALTHWATCH = [("HW-CAM", "Healthwatch Camden"), ("HW-ISL", "Healthwatch Islington")]
CSU = ("0DF", "North and East London Commissioning Support Unit")


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


LOGINS = [
    DemoLogin("admin@example.org", "Platform admin"),
    DemoLogin("region@example.org", "Regional lead, London"),
    DemoLogin("assessor@example.org", "Assessor, London"),
    DemoLogin("ccg.lead@example.org", "CCG lead, NHS Camden CCG"),
    DemoLogin("ccg.staff@example.org", "CCG contributor, NHS Camden CCG"),
    DemoLogin("hwb.lead@example.org", "HWB lead, Camden Health and Wellbeing Board"),
    DemoLogin("ccg2.lead@example.org", "CCG lead, NHS Islington CCG"),
    DemoLogin("assessor2@example.org", "Assessor, London (a second assessor)"),
    DemoLogin("ccg3.lead@example.org", "CCG lead, NHS Haringey CCG (in its second cycle)"),
]


def _types() -> dict[str, OrganisationType]:
    return {t.code: t for t in OrganisationType.objects.all()}


def _org(types, type_code: str, code: str, name: str, region: Organisation | None) -> Organisation:
    org, _ = Organisation.objects.update_or_create(
        code=code, defaults={"name": name, "type": types[type_code], "region": region}
    )
    return org


def _relate(kind: str, subject: Organisation, obj: Organisation, coterminous: bool = False) -> None:
    Relation.objects.update_or_create(
        kind=kind, subject=subject, object=obj, defaults={"coterminous": coterminous}
    )


def _user(email: str, full_name: str, *, admin: bool = False) -> User:
    user = User.objects.filter(email=email).first() or User(email=email)
    user.full_name = full_name
    user.is_staff = user.is_superuser = admin
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _member(user: User, organisation: Organisation, role: str) -> None:
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)


@transaction.atomic
def seed_demo(*, today: datetime.date | None = None) -> list[DemoLogin]:
    today = today or timezone.localdate()
    types = _types()
    region = _org(types, OrganisationType.REGION, *REGION, None)
    csu = _org(types, OrganisationType.COMMISSIONING_SUPPORT, *CSU, region)
    for code, name in PROVIDERS:
        _org(types, OrganisationType.PROVIDER, code, name, region)
    for code, name in HEALTHWATCH:
        _org(types, OrganisationType.PATIENT_GROUP, code, name, region)

    ccgs: list[Organisation] = []
    hwbs: dict[str, Organisation] = {}
    for index, (ccg_code, ccg_name, prefix, partners) in enumerate(CCGS):
        ccg = _org(types, OrganisationType.CCG, ccg_code, ccg_name, region)
        ccgs.append(ccg)
        _relate(Relation.Kind.COMMISSIONING_SUPPORT, ccg, csu)
        for hwb_code, hwb_name, la_code, la_name, coterminous in partners:
            hwb = _org(types, OrganisationType.HWB, hwb_code, hwb_name, region)
            la = _org(types, OrganisationType.LOCAL_AUTHORITY, la_code, la_name, region)
            hwbs[hwb_code] = hwb
            _relate(Relation.Kind.HWB_LOCAL_AUTHORITY, hwb, la)
            _relate(Relation.Kind.HWB_PARTNER, ccg, hwb, coterminous)
        borough = ccg_name.removeprefix("NHS ").removesuffix(" CCG")
        for n in range(10):
            practice_name = f"{PRACTICE_NAMES[(n + index) % len(PRACTICE_NAMES)]}, {borough}"
            practice = _org(
                types, OrganisationType.GP_PRACTICE, f"{prefix}{index + 1}{n:02d}", practice_name, region
            )
            _relate(Relation.Kind.MEMBER_PRACTICE, ccg, practice)

    _user("admin@example.org", "Ada Admin", admin=True)
    _member(_user("region@example.org", "Rita Regional"), region, Role.REGIONAL_LEAD)
    _member(_user("assessor@example.org", "Sam Assessor"), region, Role.ASSESSOR)
    _member(_user("ccg.lead@example.org", "Dr Clare Lead"), ccgs[0], Role.CCG_LEAD)
    _member(_user("ccg.staff@example.org", "Chris Staff"), ccgs[0], Role.CCG_CONTRIBUTOR)
    _member(_user("hwb.lead@example.org", "Cllr Helen Board"), hwbs["HWB-CAM"], Role.HWB_LEAD)
    _member(_user("ccg2.lead@example.org", "Dr Imran Lead"), ccgs[1], Role.CCG_LEAD)
    _member(_user("assessor2@example.org", "Priya Assessor"), region, Role.ASSESSOR)
    _member(_user("ccg3.lead@example.org", "Dr Harriet Lead"), ccgs[5], Role.CCG_LEAD)

    framework = Framework.objects.latest_versions().filter(slug=FRAMEWORK_SLUG).first()
    if framework is None:
        raise RuntimeError(
            f"The built-in framework {FRAMEWORK_SLUG} is missing: run `manage.py migrate` first."
        )
    cycle, created = Cycle.objects.get_or_create(
        name=CYCLE_NAME,
        region=region,
        defaults={
            "kind": Cycle.Kind.AUTHORISATION,
            "framework": framework,
            "starts_on": today - datetime.timedelta(days=30),
            "ends_on": today + datetime.timedelta(days=180),
        },
    )
    if created:
        cycle.ccgs.set(ccgs)
        for step, opens, due in [
            (CycleStep.Step.SELF_ASSESSMENT, -30, 45),
            (CycleStep.Step.PARTNERSHIP_REVIEW, -30, 60),
            (CycleStep.Step.SURVEY, 30, 75),
            (CycleStep.Step.ASSESSOR_REVIEW, 60, 150),
        ]:
            CycleStep.objects.create(
                cycle=cycle,
                step=step,
                opens_on=today + datetime.timedelta(days=opens),
                deadline=today + datetime.timedelta(days=due),
            )
    _demo_assessments(cycle, ccgs, today)
    _demo_surveys(cycle, ccgs)
    _demo_partnerships(cycle, ccgs, hwbs, today)
    _demo_decisions(cycle, ccgs, today)
    _demo_good_practice(framework)
    _demo_second_cycle(region, ccgs[5], framework, today)
    _demo_plans(cycle, ccgs, today)  # last: gathers from every source, conditions of decisions included
    annual = Cycle.objects.filter(name=ANNUAL_CYCLE_NAME, region=region).first()
    if annual is not None:  # Haringey's plan of last year carries its open action into annual assurance
        _demo_plans_carried_over(annual, [ccgs[5]], today)
    return LOGINS


def _demo_assessments(cycle: Cycle, ccgs: list[Organisation], today: datetime.date) -> None:
    """Camden's self-assessment under way (with evidence), Islington's submitted and shared with its HWB."""
    from assure.assessments import services as assessment_services
    from assure.assessments.models import Assessment
    from assure.evidence.models import Evidence

    if Assessment.objects.filter(cycle=cycle).exists():
        return
    lead = User.objects.get(email="ccg.lead@example.org")
    camden = assessment_services.assessment_get_or_create(cycle=cycle, organisation=ccgs[0])
    types = {t.code: t for t in cycle.framework.evidence_types.all()}
    domains = {d.number: d for d in cycle.framework.domains.all()}
    for title, code, age, domain_numbers in [
        ("Camden CCG constitution", "ccg-constitution", 200, [1, 4]),
        ("Camden Joint Strategic Needs Assessment", "jsna", 420, [1, 2]),
        ("Camden Joint Health and Wellbeing Strategy", "jhws", 90, [1, 3, 5]),
    ]:
        if code in types:
            evidence = Evidence.objects.create(
                organisation=ccgs[0],
                title=title,
                evidence_type=types[code],
                document_date=today - datetime.timedelta(days=age),
                owner="Head of corporate affairs",
                url=f"https://www.example.org/camden/{code}",
                added_by=lead,
            )
            evidence.domains.set([domains[n] for n in domain_numbers if n in domains])
    for response in camden.responses.select_related("item__domain").filter(item__domain__number__in=[1, 2]):
        rating = 2 if response.item.tier == "basics" else 1
        if response.item.code.endswith(".3"):
            rating = 1
        assessment_services.item_save(
            response=response,
            user=lead,
            data=assessment_services.ItemInput(
                rating=rating, not_applicable=False, narrative="Agreed at the governing body."
            ),
            version=response.version,
        )

    islington_lead = User.objects.get(email="ccg2.lead@example.org")
    islington = assessment_services.assessment_get_or_create(cycle=cycle, organisation=ccgs[1])
    for response in islington.responses.select_related("item"):
        rating = 3 if response.item.tier == "basics" else 2
        assessment_services.item_save(
            response=response,
            user=islington_lead,
            data=assessment_services.ItemInput(
                rating=rating, not_applicable=False, narrative="In place and reviewed yearly."
            ),
            version=response.version,
        )
    assessment_services.assessment_submit(assessment=islington, user=islington_lead)
    assessment_services.assessment_share(assessment=islington, user=islington_lead, shared=True)


PREVIOUS_CYCLE_NAME = "London CCG authorisation, wave 2"
ANNUAL_CYCLE_NAME = "London annual assurance 2013–14"


def _demo_second_cycle(
    region: Organisation, ccg: Organisation, framework: Framework, today: datetime.date
) -> None:
    """NHS Haringey CCG in its second cycle: authorised in last year's wave 2 (its self-assessment submitted
    there), now in annual assurance. Its self-assessment was carried over when the regional lead created the
    annual-assurance cycle; domain 1 is confirmed (one item changed), the rest still to confirm. The partnership
    review's deadline has passed (overdue) and the self-assessment is due in six days."""
    from assure.assessments import services as assessment_services
    from assure.assessments.models import Assessment, Submission
    from assure.cycles import services as cycle_services

    if Cycle.objects.filter(name=ANNUAL_CYCLE_NAME, region=region).exists():
        return
    lead = User.objects.get(email="ccg3.lead@example.org")
    previous, created = Cycle.objects.get_or_create(
        name=PREVIOUS_CYCLE_NAME,
        region=region,
        defaults={
            "kind": Cycle.Kind.AUTHORISATION,
            "framework": framework,
            "starts_on": today - datetime.timedelta(days=420),
            "ends_on": today - datetime.timedelta(days=240),
        },
    )
    if created:
        previous.ccgs.set([ccg])
        for step, opens, due in [
            (CycleStep.Step.SELF_ASSESSMENT, -420, -330),
            (CycleStep.Step.PARTNERSHIP_REVIEW, -420, -320),
            (CycleStep.Step.SURVEY, -380, -300),
            (CycleStep.Step.ASSESSOR_REVIEW, -330, -250),
        ]:
            CycleStep.objects.create(
                cycle=previous,
                step=step,
                opens_on=today + datetime.timedelta(days=opens),
                deadline=today + datetime.timedelta(days=due),
            )
    earlier = assessment_services.assessment_get_or_create(cycle=previous, organisation=ccg)
    if not earlier.submissions.exists():
        for index, response in enumerate(earlier.responses.select_related("item").order_by("item__code")):
            rating = (
                (3 if index % 4 == 0 else 2) if response.item.tier == "basics" else (2 if index % 3 else 1)
            )
            assessment_services.item_save(
                response=response,
                user=lead,
                data=assessment_services.ItemInput(
                    rating=rating,
                    not_applicable=False,
                    narrative=f"Agreed by the governing body; reviewed with Haringey HWB ({response.item.code}).",
                ),
                version=response.version,
            )
        assessment_services.assessment_submit(assessment=earlier, user=lead)
        submitted = timezone.now() - datetime.timedelta(days=335)
        Submission.objects.filter(assessment=earlier).update(submitted_at=submitted)
        Assessment.objects.filter(pk=earlier.pk).update(submitted_at=submitted, first_submitted_at=submitted)

    steps = {
        CycleStep.Step.SELF_ASSESSMENT: (-60, 6),  # due soon
        CycleStep.Step.PARTNERSHIP_REVIEW: (-60, -3),  # overdue
        CycleStep.Step.SURVEY: (0, 90),
        CycleStep.Step.ASSESSOR_REVIEW: (60, 200),
    }
    annual = cycle_services.cycle_create(
        user=User.objects.get(email="region@example.org"),
        data=cycle_services.CycleInput(
            name=ANNUAL_CYCLE_NAME,
            kind=Cycle.Kind.ANNUAL_ASSURANCE,
            framework=framework,
            region=region,
            starts_on=today - datetime.timedelta(days=60),
            ends_on=today + datetime.timedelta(days=300),
            previous=previous,
            ccgs=[ccg],
            steps={
                step: cycle_services.StepInput(
                    opens_on=today + datetime.timedelta(days=opens),
                    deadline=today + datetime.timedelta(days=due),
                )
                for step, (opens, due) in steps.items()
            },
        ),
    )
    # Carried over on joining the cycle; the lead has confirmed domain 1, changing one rating.
    current = Assessment.objects.get(cycle=annual, organisation=ccg)
    for response in current.responses.select_related("item__domain").filter(item__domain__number=1):
        changed = response.item.code == "1.2"
        assessment_services.item_save(
            response=response,
            user=lead,
            data=assessment_services.ItemInput(
                rating=3 if changed else response.rating,
                not_applicable=response.not_applicable,
                reason=response.reason,
                narrative=(
                    "Now embedded: every plan is tested against the JSNA before approval."
                    if changed
                    else response.narrative
                ),
            ),
            version=response.version,
        )


# The 360° survey demo: (group, people on the list, how many respond) for each CCG.
SURVEY_PEOPLE = {
    # Camden: open, a few responses so far.
    "07R": [
        ("member_practice", 10, 4),
        ("hwb", 5, 2),
        ("local_authority", 4, 1),
        ("provider", 3, 0),
        ("patient_group", 2, 1),
    ],
    # Islington: closed. Local authority (5) is shown on its own but hidden with providers (2, below the
    # minimum of 5), so the providers' answers cannot be worked out by subtraction.
    "08H": [
        ("member_practice", 10, 8),
        ("hwb", 7, 6),
        ("local_authority", 6, 5),
        ("provider", 3, 2),
        ("patient_group", 3, 0),
    ],
}
FIRST_NAMES = [
    "Asha",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Hamza",
    "Isla",
    "Jonah",
    "Kemi",
    "Liam",
]
LAST_NAMES = ["Patel", "Hughes", "Okafor", "Smith", "Nowak", "Byrne", "Khan", "Murphy", "Ali", "Evans"]
# How positive each CCG's stakeholders are about each domain (chance of agreeing), to give the results a shape.
SURVEY_MOOD = {"07R": {}, "08H": {1: 0.85, 2: 0.3, 3: 0.7, 4: 0.35, 5: 0.8, 6: 0.75}}


def _demo_surveys(cycle: Cycle, ccgs: list[Organisation]) -> None:
    """Camden's survey open with some responses; Islington's closed, with results and a group below the minimum."""
    import random

    from assure.surveys import services as survey_services
    from assure.surveys.models import Stakeholder, Survey

    if Survey.objects.filter(cycle=cycle).exists():
        return
    now = timezone.now()
    rng = random.Random(2012)  # noqa: S311 (made-up demo answers, the same every time)
    for ccg in ccgs[:2]:
        lead = User.objects.get(
            email="ccg.lead@example.org" if ccg.code == "07R" else "ccg2.lead@example.org"
        )
        survey = survey_services.survey_create(cycle=cycle, organisation=ccg, user=lead)
        survey.opens_at = now - datetime.timedelta(days=14)
        survey.closes_at = now + datetime.timedelta(days=14)
        survey.intro = (
            f"{ccg.name} would like to know how well it works with you. Your answers help us prepare for "
            "authorisation and decide what to improve."
        )
        survey.save()
        borough = ccg.name.removeprefix("NHS ").removesuffix(" CCG")
        n = 0
        for group, listed, responding in SURVEY_PEOPLE[ccg.code]:
            for i in range(listed):
                n += 1
                first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n * 7) % len(LAST_NAMES)]
                stakeholder = Stakeholder.objects.create(
                    survey=survey,
                    name=f"{first} {last}",
                    email=f"{first}.{last}.{n}@{ccg.code.lower()}.example.org".lower(),
                    organisation=f"{borough} {group.replace('_', ' ')}",
                    group=group,
                )
                if ccg.code == "07R" and group == "patient_group" and i == 1:
                    continue  # one person not invited yet
                token = survey_services._rotate_link(stakeholder)
                stakeholder.invited_at = now - datetime.timedelta(days=13)
                stakeholder.save()
                if i < responding:
                    mood = SURVEY_MOOD[ccg.code]
                    answers = {}
                    for domain in survey.statements:
                        chance = mood.get(domain["number"], 0.6)
                        for statement in domain["statements"]:
                            roll = rng.random()
                            if roll < 0.08:
                                answers[statement["code"]] = "dont_know"
                            elif rng.random() < chance:
                                answers[statement["code"]] = rng.choice(["agree", "agree", "strongly_agree"])
                            else:
                                answers[statement["code"]] = rng.choice(
                                    ["disagree", "neutral", "strongly_disagree"]
                                )
                    comments = {}
                    if i % 2 == 0:
                        comments[2] = rng.choice(
                            [
                                "Patients hear about plans late; involve Healthwatch earlier.",
                                "Engagement events are good but mostly in working hours.",
                                "We would welcome more feedback on what changed after consultations.",
                            ]
                        )
                    survey_services.response_save(token=token, answers=answers, comments=comments)
                elif i == responding and ccg.code == "07R":
                    survey_services.link_opened(stakeholder=stakeholder)
        if ccg.code == "08H":
            Survey.objects.filter(pk=survey.pk).update(
                opens_at=now - datetime.timedelta(days=40),
                closes_at=now - datetime.timedelta(days=2),
            )


# The people who rate for the organisations without a demo login: they exist so the demo's history names someone,
# but have no usable password.
PARTNERSHIP_PEOPLE = {
    "HWB-ISL": ("islington.hwb@example.org", "Cllr Isla Board", Role.HWB_LEAD),
    "HWB-HAC": ("hackney.hwb@example.org", "Cllr Hamid Board", Role.HWB_LEAD),
    "HWB-COL": ("city.hwb@example.org", "Alderman Colin Board", Role.HWB_LEAD),
    "07T": ("hackney.ccg@example.org", "Dr Hana Lead", Role.CCG_LEAD),
}


def _demo_partnerships(
    cycle: Cycle, ccgs: list[Organisation], hwbs: dict[str, Organisation], today: datetime.date
) -> None:
    """One partnership review in each state, so a new user sees what each looks like:

    - Camden CCG and Camden HWB: both sides released, with gaps (some two points apart), a few items agreed;
    - Islington CCG and Islington HWB: agreed, with development actions;
    - City and Hackney CCG and Hackney HWB: the CCG side released, the HWB still rating;
    - City and Hackney CCG and City of London HWB: opened, not started.
    """
    from assure.partnerships import services as partnership_services
    from assure.partnerships.models import AgreedItem, PartnershipReview, SideRating

    if PartnershipReview.objects.filter(cycle=cycle).exists():
        return
    people = {"HWB-CAM": User.objects.get(email="hwb.lead@example.org")}
    organisations = {**hwbs, "07T": ccgs[2]}
    for code, (email, name, role) in PARTNERSHIP_PEOPLE.items():
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(email=email, password=None, full_name=name)
        _member(person, organisations[code], role)
        people[code] = person
    camden_lead = User.objects.get(email="ccg.lead@example.org")
    islington_lead = User.objects.get(email="ccg2.lead@example.org")

    now = timezone.now()

    def rate(review, side, user, pattern, *, release=True, only=None):
        # Written in bulk (seeding rates hundreds of items); releasing and agreeing go through the services.
        ratings = list(
            review.side_ratings.filter(side=side)
            .select_related("item__domain")
            .order_by("item__domain__number", "item__position")
        )[:only]
        for index, rating in enumerate(ratings):
            rating.rating, rating.comment = pattern(index, rating.item)
            rating.version, rating.updated_at, rating.updated_by = 1, now, user
        SideRating.objects.bulk_update(ratings, ["rating", "comment", "version", "updated_at", "updated_by"])
        if release:
            partnership_services.side_release(review=review, side=side, user=user)

    def ccg_view(index, item):
        return (2 if item.tier == "basics" else 1), "Discussed at the governing body."

    def hwb_view(index, item):
        # Mostly close to the CCG's view; every fifth item a point apart, every seventh two points apart.
        base = 2 if item.tier == "basics" else 1
        if index % 7 == 3:
            return (0 if base == 2 else 3), "Board members have not seen this in practice yet."
        if index % 5 == 1:
            return base + 1, "The board sees this working well."
        return base, "Agreed at the board's development session."

    camden, _ = partnership_services.review_open(
        cycle=cycle, ccg=ccgs[0], hwb=hwbs["HWB-CAM"], user=camden_lead
    )
    rate(camden, "ccg", camden_lead, ccg_view)
    rate(camden, "hwb", people["HWB-CAM"], hwb_view)
    for agreed in AgreedItem.objects.filter(review=camden, item__domain__number=1).select_related("item")[:3]:
        partnership_services.agreement_save(
            agreed=agreed,
            user=camden_lead,
            data=partnership_services.AgreementInput(agreed_rating=2),
            version=agreed.version,
        )

    islington, _ = partnership_services.review_open(
        cycle=cycle, ccg=ccgs[1], hwb=hwbs["HWB-ISL"], user=islington_lead
    )
    rate(islington, "ccg", islington_lead, lambda i, item: ((3 if item.tier == "basics" else 2), "In place."))
    rate(islington, "hwb", people["HWB-ISL"], hwb_view)
    agreements = list(AgreedItem.objects.filter(review=islington).select_related("item"))
    hwb_ratings = dict(
        SideRating.objects.filter(review=islington, side="hwb").values_list("item_id", "rating")
    )
    for index, agreed in enumerate(agreements):
        agreed.agreed_rating = max(2, hwb_ratings[agreed.item_id] or 0)
        agreed.version, agreed.updated_at, agreed.updated_by = 1, now, islington_lead
        if index % 9 == 3:
            agreed.action = "Hold a joint development session on this action and report back to the board."
            agreed.action_owner = hwbs["HWB-ISL"] if index % 2 else ccgs[1]
            agreed.action_due = today + datetime.timedelta(days=90)
    last = agreements.pop()
    AgreedItem.objects.bulk_update(
        agreements,
        ["agreed_rating", "action", "action_owner", "action_due", "version", "updated_at", "updated_by"],
    )
    # Agreeing the last item through the service agrees, locks and snapshots the review.
    partnership_services.agreement_save(
        agreed=last,
        user=islington_lead,
        data=partnership_services.AgreementInput(agreed_rating=2),
        version=0,
    )

    hackney_lead = people["HWB-HAC"]
    hackney, _ = partnership_services.review_open(
        cycle=cycle, ccg=ccgs[2], hwb=hwbs["HWB-HAC"], user=hackney_lead
    )
    rate(hackney, "ccg", people["07T"], ccg_view)
    rate(hackney, "hwb", hackney_lead, hwb_view, release=False, only=20)
    partnership_services.review_open(cycle=cycle, ccg=ccgs[2], hwb=hwbs["HWB-COL"], user=people["HWB-COL"])


def _demo_plans(cycle: Cycle, ccgs: list[Organisation], today: datetime.date) -> None:
    """Development plans gathered from their sources, with actions in every state:

    - Camden: items of its draft self-assessment below the threshold, and an action of its own owned by the
      contributor; two overdue, one in progress;
    - Islington: the actions agreed with its HWB and the survey's low-agreement domains; some overdue, some done;
    - any CCG whose authorisation decision is published with conditions: an action per condition, following it.
    """
    from assure.plans import services as plan_services
    from assure.plans.models import Action, Plan

    if Plan.objects.filter(cycle=cycle).exists():
        return
    camden_lead = User.objects.get(email="ccg.lead@example.org")
    camden_staff = User.objects.get(email="ccg.staff@example.org")
    islington_lead = User.objects.get(email="ccg2.lead@example.org")

    def past(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    camden = plan_services.plan_gather(cycle=cycle, ccg=ccgs[0], user=camden_lead).added
    own = plan_services.action_add(
        cycle=cycle,
        ccg=ccgs[0],
        user=camden_lead,
        data=plan_services.ActionInput(
            title="Publish the clinical leads' engagement calendar for member practices",
            description="Member practices asked to know when they can raise commissioning issues with leads.",
            owner_id=camden_staff.pk,
            due=today + datetime.timedelta(days=30),
        ),
    )
    plan_services.action_set_status(
        action=own, user=camden_staff, status=Action.Status.IN_PROGRESS, version=0
    )
    for action, due in zip(camden, [past(10), past(3)], strict=False):
        Action.objects.filter(pk=action.pk).update(due=due, owner=camden_lead)

    _demo_plans_carried_over(cycle, ccgs, today)

    islington = plan_services.plan_gather(cycle=cycle, ccg=ccgs[1], user=islington_lead).added
    for index, action in enumerate(islington):
        if index % 4 == 0:
            Action.objects.filter(pk=action.pk).update(due=past(14 + index), owner=islington_lead)
        elif index % 4 == 1:
            plan_services.action_set_status(
                action=action, user=islington_lead, status=Action.Status.DONE, version=action.version
            )

    # Every other CCG whose authorisation decision is published with conditions: its plan holds them.
    from assure.decisions.models import Condition
    from assure.organisations.models import Membership

    conditioned = set(
        Condition.objects.filter(
            decision__assessment__cycle=cycle, decision__published_at__isnull=False
        ).values_list("decision__assessment__organisation", flat=True)
    )
    for ccg in ccgs[2:]:
        if ccg.pk in conditioned:
            lead = (
                Membership.objects.filter(organisation=ccg, role=Role.CCG_LEAD).select_related("user").first()
            )
            plan_services.plan_gather(cycle=cycle, ccg=ccg, user=lead.user if lead else None)


def _demo_plans_carried_over(cycle: Cycle, ccgs: list[Organisation], today: datetime.date) -> None:
    """When the demo cycle follows another, each CCG in both has a plan there with one action done and one still
    in progress, which carries into this cycle's plan."""
    from assure.plans import services as plan_services
    from assure.plans.models import Action, Plan

    previous = cycle.previous
    if previous is None:
        return
    for ccg in previous.ccgs.filter(pk__in=[c.pk for c in ccgs]).order_by("name"):
        if not Plan.objects.filter(cycle=previous, organisation=ccg).exists():
            for title, status, days in [
                ("Set up a joint commissioning group with the council", Action.Status.DONE, -200),
                ("Agree a clinical engagement plan with member practices", Action.Status.IN_PROGRESS, -20),
            ]:
                plan_services.action_add(
                    cycle=previous,
                    ccg=ccg,
                    user=None,
                    data=plan_services.ActionInput(
                        title=title, due=today + datetime.timedelta(days=days), status=status
                    ),
                )
        plan_services.plan_carry_over(ccg=ccg, from_cycle=previous, to_cycle=cycle)


# Good practice: (organisation code, status, title, summary, what they did, results, domains, theme codes, items)
GOOD_PRACTICE = [
    (
        "08H",
        "published",
        "Using the JSNA to shape every commissioning plan",
        "Islington CCG and the council's public health team read the Joint Strategic Needs Assessment together "
        "before any plan is written, and each plan says which needs it answers.",
        "Every commissioning plan starts with a one-page summary of the JSNA chapters it draws on, agreed with the "
        "public health consultant for that area.\n\nThe governing body will not approve a plan without it, and the "
        "Health and Wellbeing Board reviews the summaries twice a year.",
        "All twelve of last year's plans trace back to JSNA priorities, and the gaps the JSNA showed in services for "
        "people with long-term conditions now have named plans and owners.",
        [1, 3],
        ["1.1", "3.1"],
        ["1.3", "1.9", "3.1"],
    ),
    (
        "07T",
        "published",
        "Patient panels that change services",
        "City and Hackney CCG's patient panels follow each recommendation until it changes a service, and report "
        "back to the people who made it.",
        "Each practice has a patient panel; a lay member chairs a CCG-wide panel of their representatives.\n\n"
        "Recommendations go on a public log with an owner and a date, and the panel hears back at each meeting.",
        "Eighteen recommendations in a year, fourteen acted on, including evening phlebotomy clinics and a simpler "
        "way to book interpreters.",
        [2],
        ["2.1", "2.3"],
        ["2.3", "1.10"],
    ),
    (
        "HWB-HAC",
        "published",
        "One forward plan for a board with two CCG partners",
        "Hackney's Health and Wellbeing Board keeps a single forward plan with City and Hackney CCG and the City of "
        "London, so joint commissioning decisions come to the board in time.",
        "Board officers, the CCG and both councils meet monthly to keep the forward plan; any plan needing the "
        "board's view is listed three months ahead.",
        "No commissioning plan reached the board too late to influence it this year, against four the year before.",
        [5],
        ["5.2"],
        ["5.2", "1.8"],
    ),
    (
        "08V",
        "published",
        "A clinical lead in every practice",
        "Tower Hamlets CCG asked each member practice to name a clinical lead for commissioning, and supports them "
        "with protected time and a development programme.",
        "Practice leads meet in locality groups each month and take part in designing services; the CCG funds "
        "four sessions a year of protected time.",
        "Every practice now has a lead, and locality groups have shaped three new care pathways.",
        [6],
        ["6.2"],
        ["6.1"],
    ),
    (
        "08M",
        "submitted",
        "Joint commissioning of community mental health services",
        "Newham CCG and the council pooled budgets for community mental health support.",
        "A joint commissioning board with a pooled budget under a section 75 agreement.",
        "One service specification and one contract in place of three.",
        [5],
        ["5.3"],
        [],
    ),
    (
        "07R",
        "changes_requested",
        "Governing body meetings in the community",
        "Camden CCG holds its governing body meetings in community venues around the borough.",
        "Meetings move between libraries and community centres, with time for questions from the public.",
        "More people come.",
        [2],
        [],
        ["2.1"],
    ),
]
GOOD_PRACTICE_NOTE = (
    "Thank you – this is a useful example. Please say how many people came before and after the change, and "
    "what the questions from the public led to."
)
GOOD_PRACTICE_ATTACHMENT = (
    "patient-panel-log.csv",
    b"Month,Recommendations,Acted on\r\nApril,2,2\r\nMay,3,2\r\nJune,1,1\r\n",
)


def _demo_good_practice(framework: Framework) -> None:
    """Published examples from around the region, one awaiting moderation and one sent back to Camden."""
    from django.core.files.base import ContentFile

    from assure.goodpractice import services
    from assure.goodpractice.models import Attachment, Example, theme_code

    if Example.objects.filter(framework__slug=FRAMEWORK_SLUG).exists():
        return
    now = timezone.now()
    moderator = User.objects.get(email="region@example.org")
    camden_lead = User.objects.get(email="ccg.lead@example.org")
    domains = {d.number: d for d in framework.domains.all()}
    themes = {
        theme_code(t): t for t in Theme.objects.filter(domain__framework=framework).select_related("domain")
    }
    items = {i.code: i for i in framework.items.all()}
    for age, (code, status, title, summary, did, results, numbers, theme_codes, item_codes) in enumerate(
        GOOD_PRACTICE
    ):
        organisation = Organisation.objects.get(code=code)
        when = now - datetime.timedelta(days=10 * (len(GOOD_PRACTICE) - age))
        example = Example.objects.create(
            organisation=organisation,
            framework=framework,
            title=title,
            summary=summary,
            what_we_did=did,
            results=results,
            contact_name="Head of engagement",
            contact_email=f"engagement@{code.lower()}.example.org",
            status=status,
            submitted_at=when,
            created_by=camden_lead if code == "07R" else None,
        )
        if status in ("published", "changes_requested"):
            Example.objects.filter(pk=example.pk).update(
                moderated_at=when,
                moderated_by=moderator,
                published_at=when if status == "published" else None,
                moderation_note=GOOD_PRACTICE_NOTE if status == "changes_requested" else "",
            )
        example.domains.set([domains[n] for n in numbers if n in domains])
        example.themes.set([themes[c] for c in theme_codes if c in themes])
        example.items.set([items[c] for c in item_codes if c in items])
        services.example_reindex(example=example)
        if code == "07T":
            name, content = GOOD_PRACTICE_ATTACHMENT
            attachment = Attachment(
                example=example, original_name=name, content_type="text/csv", size=len(content)
            )
            attachment.file.save(name, ContentFile(content), save=True)


def _demo_decisions(cycle: Cycle, ccgs: list[Organisation], today: datetime.date) -> None:
    """Assessor review and decisions at every stage:

    - Newham: submitted, every domain judged met, authorised; the decision is published;
    - Haringey: submitted, authorised with four conditions (published): two discharged, one with evidence
      submitted and waiting for an assessor, one open;
    - Islington: submitted and judged by two assessors, who disagree on domain 3; no decision yet.
    """
    from assure.assessments import services as assessment_services
    from assure.assessments.models import ItemResponse
    from assure.decisions import services as decision_services
    from assure.decisions.models import Judgement
    from assure.evidence.models import Evidence

    if Judgement.objects.filter(assessment__cycle=cycle).exists():
        return
    assessor = User.objects.get(email="assessor@example.org")
    second = User.objects.get(email="assessor2@example.org")
    regional = User.objects.get(email="region@example.org")
    domains = list(cycle.framework.domains.order_by("number"))
    haringey, newham = ccgs[5], ccgs[4]
    haringey_lead = User.objects.get(email="ccg3.lead@example.org")

    def submit(ccg: Organisation, lead: User, narrative: str, weaker: set[int]):
        assessment = assessment_services.assessment_get_or_create(cycle=cycle, organisation=ccg)
        now = timezone.now()
        responses = list(assessment.responses.select_related("item__domain"))
        for response in responses:
            basics = response.item.tier == "basics"
            weak = response.item.domain.number in weaker
            response.rating = (2 if weak else 3) if basics else (1 if weak else 2)
            response.narrative = narrative
            response.version, response.updated_at, response.updated_by = 1, now, lead
        ItemResponse.objects.bulk_update(
            responses, ["rating", "narrative", "version", "updated_at", "updated_by"]
        )
        assessment_services.assessment_submit(assessment=assessment, user=lead)
        return assessment

    def judge(assessment, who: User, values: dict[int, str], rationale: str) -> None:
        for domain in domains:
            decision_services.judgement_save(
                assessment=assessment,
                domain=domain,
                assessor=who,
                value=values.get(domain.number, Judgement.Value.MET),
                rationale=rationale,
                version=0,
            )

    # Newham: authorised and published.
    newham_assessment = submit(
        newham, regional, "Agreed by the governing body; evidence in the library.", set()
    )
    judge(newham_assessment, assessor, {}, "The evidence shows the basics in place and owned by the board.")
    decision = decision_services.decision_record(
        assessment=newham_assessment,
        user=assessor,
        data=decision_services.DecisionInput(
            outcome="authorised",
            decided_on=today - datetime.timedelta(days=12),
            panel="Sam Assessor (chair)\nPriya Assessor\nDr Ruth Clinical, clinical adviser",
            rationale="Every domain meets the threshold; the CCG is authorised without conditions.",
        ),
    )
    decision_services.decision_publish(decision=decision, user=regional)

    # Haringey: authorised with conditions, at every condition status.
    haringey_assessment = submit(haringey, haringey_lead, "In place; the HWB has seen it.", {2, 5})
    judge(
        haringey_assessment,
        assessor,
        {2: Judgement.Value.MET_WITH_CONDITIONS, 5: Judgement.Value.MET_WITH_CONDITIONS},
        "Most of the basics are in place; gaps noted where the evidence is thin.",
    )
    decided_on = today - datetime.timedelta(days=25)
    conditions = [
        ("2", "Publish a clinical engagement plan agreed with member practices.", "toolkit", 35),
        ("2", "Show how clinical leaders are chosen and supported.", "support", 50),
        ("5", "Agree the commissioning support contract and its service levels.", "sign_off", 60),
        ("5", "Put in place a risk-sharing agreement with the local authority.", "support", 90),
    ]
    decision = decision_services.decision_record(
        assessment=haringey_assessment,
        user=assessor,
        data=decision_services.DecisionInput(
            outcome="authorised_with_conditions",
            decided_on=decided_on,
            panel="Sam Assessor (chair)\nRita Regional\nCllr Ann Lay, lay member",
            rationale="Authorised: the conditions on domains 2 and 5 must be met within the year.",
            conditions=[
                decision_services.ConditionInput(
                    domain=d, text=t, support_level=level, due=decided_on + datetime.timedelta(days=days)
                )
                for d, t, level, days in conditions
            ],
        ),
    )
    decision_services.decision_publish(decision=decision, user=regional)
    types = {t.code: t for t in cycle.framework.evidence_types.all()}
    library = []
    for title, days_ago in [
        ("Haringey clinical engagement plan", 20),
        ("Haringey clinical leadership programme", 15),
        ("Commissioning support service level agreement", 8),
    ]:
        library.append(
            Evidence.objects.create(
                organisation=haringey,
                title=title,
                evidence_type=next(iter(types.values())),
                document_date=today - datetime.timedelta(days=days_ago),
                owner="Director of commissioning",
                url="https://www.example.org/haringey/" + title.lower().replace(" ", "-"),
                added_by=haringey_lead,
            )
        )
    rows = list(decision.conditions.order_by("pk"))
    for index, condition in enumerate(rows[:3]):
        condition = decision_services.condition_respond(
            condition=condition,
            user=haringey_lead,
            text="Done: the document is in our library and was agreed by the governing body.",
            evidence=[library[index]],
            version=condition.version,
            today=today - datetime.timedelta(days=18 - 5 * index),
        )
        if index < 2:
            decision_services.condition_discharge(
                condition=condition,
                user=assessor,
                note="The evidence meets the condition.",
                version=condition.version,
                today=today - datetime.timedelta(days=10 - 5 * index),
            )

    # Islington: two assessors, disagreeing on domain 3; no decision yet.
    islington = ccgs[1].assessments.get(cycle=cycle)
    judge(islington, assessor, {}, "The submission and the agreed partnership review support the threshold.")
    judge(
        islington,
        second,
        {3: Judgement.Value.MET_WITH_CONDITIONS},
        "Met, but the stakeholder survey shows providers are not yet engaged in planning.",
    )
    item = cycle.framework.items.filter(domain__number=3).order_by("position").first()
    if item is not None:
        decision_services.assessor_rating_save(
            assessment=islington,
            item=item,
            assessor=second,
            rating=1,
            note="The CCG rates this 3; the survey and the HWB see it as emerging.",
            version=0,
        )
