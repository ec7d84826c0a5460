"""A generated England for trying Assure at national scale: `manage.py seed_national`.

Everything comes from a seeded `random.Random` (one stream per generator, so adding a generator does not change
what the others make) and the date it is run on. The dataset's organisations have codes starting `NAT-` and its
people email addresses at `national.example.org`; `reset()` deletes exactly those and whatever hangs off them, so
running it again replaces the dataset and leaves everything else (the demo region, real data) alone.

The work is a list of generators, each a function `(Dataset) -> None` run in order and committed on its own. A
feature app adds its data by adding one function to `GENERATORS` (see the list at the end of this module), and,
if its tables are big, a fast delete to `RESET_STEPS`.
"""

from __future__ import annotations

import datetime
import random
import secrets
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import product
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from tqdm import tqdm

from assure.accounts.models import User
from assure.assessments.models import Assessment, ItemResponse, Submission
from assure.assessments.services import assessment_results, domain_summary
from assure.audit.models import AuditEvent
from assure.core import statistics
from assure.core.demo import DEMO_PASSWORD, FRAMEWORK_SLUG
from assure.cycles.models import Cycle, CycleStep
from assure.evidence.models import Evidence
from assure.frameworks.models import Domain, DomainEvidence, Framework, Item, Theme
from assure.goodpractice.models import Example
from assure.organisations.models import Membership, Organisation, OrganisationType, Relation, Role
from assure.partnerships import models as partnership_models
from assure.partnerships import services as partnership_services
from assure.partnerships.models import AgreedItem, PartnershipReview, SideRating
from assure.plans.models import Action as PlanAction
from assure.plans.national import development_plans
from assure.surveys import services as survey_services
from assure.surveys.constants import GROUP_LABELS
from assure.surveys.models import EmailDelivery, Response, Stakeholder, Survey

from . import names

PREFIX = "NAT-"
EMAIL_DOMAIN = "national.example.org"
DEFAULT_SEED = 2013
CYCLE_NAMES = [
    "England CCG authorisation (national dataset)",
    "England annual assurance, year 1 (national dataset)",
    "England annual assurance, year 2 (national dataset)",
]
BATCH = 2000
# Shuffles what must not follow the order it was made in (survey responses). Not seeded: see `surveys`.
random_order = random.SystemRandom()


@dataclass(frozen=True)
class Size:
    """How big the generated country is. The defaults are England at the time of the CCGs' authorisation."""

    ccgs: int = 211
    hwbs: int = 152
    practices: int = 8000
    providers: int = 160
    support_units: int = 16
    staff_per_ccg: int = 20  # the first is the CCG lead, the others contributors
    people_per_hwb: int = 3  # the first is the HWB lead, the others members
    assessors_per_region: int = 5
    evidence_per_ccg: int = 16
    files_per_ccg: int = 4  # of the evidence, how many are small files rather than links
    # For the survey generator, once surveys exist.
    stakeholders_per_ccg: int = 100
    survey_response_rate: float = 0.6
    good_practice: int = 48  # examples in the good practice library (the first two are the demo CCG's)

    def scaled(self, factor: float) -> Size:
        """The country at `factor` of its breadth: fewer organisations, each as deep as before."""

        def n(value: int) -> int:
            return max(1, round(value * factor))

        ccgs = n(self.ccgs)
        return replace(
            self,
            ccgs=ccgs,
            hwbs=n(self.hwbs),
            practices=max(ccgs, n(self.practices)),
            providers=n(self.providers),
            support_units=n(self.support_units),
            good_practice=max(min(self.good_practice, 12), n(self.good_practice)),
        )

    def times(self, factor: int) -> Size:
        """Every count, breadth and depth, `factor` times over (for checking that pages do not grow)."""
        return Size(
            **{
                name: value * factor if isinstance(value, int) else value
                for name, value in self.__dict__.items()
            }
        )


@dataclass
class Dataset:
    """What the generators share: the size, the random streams, and what earlier generators made."""

    size: Size
    seed: int
    today: datetime.date
    framework: Framework
    progress: bool = True
    types: dict[str, OrganisationType] = field(default_factory=dict)
    regions: list[Organisation] = field(default_factory=list)
    ccgs: list[Organisation] = field(default_factory=list)
    hwbs: list[Organisation] = field(default_factory=list)
    partners: dict[int, list[Organisation]] = field(default_factory=dict)  # CCG pk -> its HWBs
    staff: dict[int, list[User]] = field(default_factory=dict)  # CCG pk -> its people, lead first
    board: dict[int, list[User]] = field(default_factory=dict)  # HWB pk -> its people, lead first
    assessors: dict[int, list[User]] = field(default_factory=dict)  # region pk -> its assessors
    cycles: list[Cycle] = field(default_factory=list)
    evidence: dict[int, list[Evidence]] = field(default_factory=dict)  # CCG pk -> its evidence
    item_evidence: dict[tuple[int, int], list[Evidence]] = field(default_factory=dict)  # (CCG, item) -> ev.
    assessments: list[Assessment] = field(default_factory=list)
    reviews: list[PartnershipReview] = field(default_factory=list)
    surveys: list[Survey] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds each stage took

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 (synthetic data, not secrets)

    @staticmethod
    def uuid(rng: random.Random) -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def bar(self, iterable: Iterable, desc: str, total: int | None = None) -> Iterator:
        return iter(
            tqdm(
                iterable,
                desc=desc.ljust(22),
                total=total,
                disable=not self.progress,
                unit=" rows",
                leave=False,
                position=1,
                dynamic_ncols=True,
            )
        )

    @property
    def items(self) -> list[Item]:
        if not hasattr(self, "_items"):
            self._items = list(
                Item.objects.filter(framework=self.framework)
                .select_related("domain")
                .order_by("domain__number", "position")
            )
        return self._items


def _bulk(model, rows: list, **kwargs) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH, **kwargs)


_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


def _insert(model, names: list[str], rows: list[tuple]) -> None:
    """Insert `rows` (values in the order of `names`, foreign keys by id: `review_id`) with multi-row INSERTs.

    For the biggest tables, where `bulk_create` spends most of its time making model instances and preparing
    every value of every field: here only dates, JSON and UUIDs are prepared for the database. No primary keys
    come back, and there are no defaults: give every column. On PostgreSQL the rows go in with COPY.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    prepare = [
        None if isinstance(f, _AS_IS) and not isinstance(f, models.AutoField) else f.get_db_prep_save
        for f in fields
    ]
    values = [
        [
            value if p is None or value is None else p(value, connection)
            for p, value in zip(prepare, row, strict=True)
        ]
        for row in rows
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    if connection.vendor == "postgresql":
        # COPY streams the rows in one statement: no query text with thousands of placeholders for the client to
        # build and the server to parse and plan, batch after batch.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in values:
                copy.write_row(row)
        return
    batch = max(1, min(500, connection.ops.bulk_batch_size(fields, values)))
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch):
            chunk = values[start : start + batch]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([marks] * len(chunk))}",  # noqa: S608
                [value for row in chunk for value in row],
            )


@contextmanager
def _historic(*models) -> Iterator[None]:
    """Let generated rows carry their own past timestamps instead of `auto_now` / `auto_now_add` ones."""
    fields = [
        f
        for m in models
        for f in m._meta.concrete_fields
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A working-hours moment on `day`."""
    moment = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(minutes=rng.randrange(480))
    return timezone.make_aware(moment)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)))


def _spread(total: int, shares: list[int]) -> list[int]:
    """`total` split by `shares`, largest remainders first, summing exactly to `total`."""
    whole = sum(shares)
    exact = [total * s / whole for s in shares]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(shares)), key=lambda i: exact[i] - counts[i], reverse=True)[
        : total - sum(counts)
    ]:
        counts[i] += 1
    return counts


# Generators ---------------------------------------------------------------------------------------------------


@transaction.atomic
def organisations(ds: Dataset) -> None:
    """Regions, CCGs, HWBs and their local authorities, practices, providers, Healthwatch, support units."""
    rng = ds.rng("organisations")
    ds.types = {t.code: t for t in OrganisationType.objects.all()}
    size = ds.size
    areas = [a + b for a, b in product(names.PLACE_STARTS, names.PLACE_ENDS)]
    rng.shuffle(areas)

    def org(type_code: str, code: str, name: str, region: Organisation | None) -> Organisation:
        return Organisation(
            public_id=ds.uuid(rng), code=code, name=name, type=ds.types[type_code], region=region
        )

    ds.regions = _bulk(Organisation, [org(OrganisationType.REGION, c, n, None) for c, n in names.REGIONS])
    ccg_regions = [
        region
        for region, count in zip(ds.regions, _spread(size.ccgs, names.REGION_CCG_SHARE), strict=True)
        for _ in range(count)
    ]
    # CCG i is the main partner of HWB j when i is the j-th evenly spaced CCG; other CCGs join the HWB before
    # them (or after, at a region's start), and some partner a second HWB, as City and Hackney did.
    hwb_count = min(size.hwbs, len(areas))
    primaries = sorted({(j * size.ccgs) // hwb_count for j in range(min(hwb_count, size.ccgs))})
    hwb_of_ccg: dict[int, list[int]] = defaultdict(list)
    hwb_region: list[Organisation] = []
    for j, i in enumerate(primaries):
        hwb_of_ccg[i].append(j)
        hwb_region.append(ccg_regions[i])
    for i in range(size.ccgs):
        if i in hwb_of_ccg:
            continue
        same_region = [j for j, p in enumerate(primaries) if ccg_regions[p] is ccg_regions[i]]
        candidates = [j for j in same_region if primaries[j] < i] or same_region or [len(primaries) - 1]
        hwb_of_ccg[i].append(candidates[-1])
    for j in range(len(primaries), hwb_count):  # more HWBs than CCGs: the extra ones join a random CCG
        i = rng.randrange(size.ccgs)
        hwb_of_ccg[i].append(j)
        hwb_region.append(ccg_regions[i])
    for i in range(size.ccgs):
        if rng.random() < 0.05 and len(hwb_region) > 1:
            neighbour = [
                j for j, r in enumerate(hwb_region) if r is ccg_regions[i] and j not in hwb_of_ccg[i]
            ]
            if neighbour:
                hwb_of_ccg[i].append(rng.choice(neighbour))

    hwb_areas = areas[:hwb_count]
    ds.hwbs = _bulk(
        Organisation,
        [
            org(
                OrganisationType.HWB,
                f"{PREFIX}H{j + 1:03d}",
                f"{hwb_areas[j]} Health and Wellbeing Board",
                hwb_region[j],
            )
            for j in range(hwb_count)
        ],
    )
    councils = _bulk(
        Organisation,
        [
            org(
                OrganisationType.LOCAL_AUTHORITY,
                f"{PREFIX}L{j + 1:03d}",
                f"{hwb_areas[j]} Council",
                hwb_region[j],
            )
            for j in range(hwb_count)
        ],
    )
    _bulk(
        Organisation,
        [
            org(
                OrganisationType.PATIENT_GROUP,
                f"{PREFIX}W{j + 1:03d}",
                f"Healthwatch {hwb_areas[j]}",
                hwb_region[j],
            )
            for j in range(hwb_count)
        ],
    )
    ccg_names = []
    qualifier_use: dict[int, int] = defaultdict(int)
    for i in range(size.ccgs):
        home = hwb_of_ccg[i][0]
        if primaries[home] == i if home < len(primaries) else False:
            ccg_names.append(f"NHS {hwb_areas[home]} CCG")
        else:
            qualifier = names.QUALIFIERS[qualifier_use[home] % len(names.QUALIFIERS)]
            qualifier_use[home] += 1
            ccg_names.append(f"NHS {qualifier} {hwb_areas[home]} CCG")
    ds.ccgs = _bulk(
        Organisation,
        [
            org(OrganisationType.CCG, f"{PREFIX}C{i + 1:03d}", ccg_names[i], ccg_regions[i])
            for i in range(size.ccgs)
        ],
    )
    units = _bulk(
        Organisation,
        [
            org(
                OrganisationType.COMMISSIONING_SUPPORT,
                f"{PREFIX}S{k + 1:02d}",
                f"{areas[hwb_count + k % 40]} Commissioning Support Unit",
                ds.regions[k % len(ds.regions)],
            )
            for k in range(size.support_units)
        ],
    )
    _bulk(
        Organisation,
        [
            org(
                OrganisationType.PROVIDER,
                f"{PREFIX}T{k + 1:03d}",
                f"{areas[k % len(areas)]} {names.PROVIDER_KINDS[k % len(names.PROVIDER_KINDS)]}",
                ds.regions[k % len(ds.regions)],
            )
            for k in range(size.providers)
        ],
    )
    # Practices: every CCG has at least one; the rest are shared out unevenly, as list sizes were.
    weights = [0.5 + rng.random() for _ in range(size.ccgs)]
    owners = list(range(size.ccgs)) + rng.choices(
        range(size.ccgs), weights=weights, k=size.practices - size.ccgs
    )
    practices = [
        org(
            OrganisationType.GP_PRACTICE,
            f"{PREFIX}P{k + 1:05d}",
            f"{rng.choice(names.STREETS)} {rng.choice(names.PRACTICE_KINDS)}, {hwb_areas[hwb_of_ccg[i][0]]}",
            ccg_regions[i],
        )
        for k, i in enumerate(owners)
    ]
    practices = _bulk(Organisation, practices)

    relations = []
    for i, ccg in enumerate(ds.ccgs):
        partners = [ds.hwbs[j] for j in hwb_of_ccg[i]]
        ds.partners[ccg.pk] = partners
        for j in hwb_of_ccg[i]:
            sole = len(hwb_of_ccg[i]) == 1 and sum(j in v for v in hwb_of_ccg.values()) == 1
            relations.append(
                Relation(kind=Relation.Kind.HWB_PARTNER, subject=ccg, object=ds.hwbs[j], coterminous=sole)
            )
        region_units = [u for u in units if u.region_id == ccg.region_id] or units
        relations.append(
            Relation(kind=Relation.Kind.COMMISSIONING_SUPPORT, subject=ccg, object=rng.choice(region_units))
        )
    relations += [
        Relation(kind=Relation.Kind.HWB_LOCAL_AUTHORITY, subject=hwb, object=council)
        for hwb, council in zip(ds.hwbs, councils, strict=True)
    ]
    relations += [
        Relation(kind=Relation.Kind.MEMBER_PRACTICE, subject=ds.ccgs[i], object=practice)
        for i, practice in zip(owners, practices, strict=True)
    ]
    _bulk(Relation, relations)


DEMO_PEOPLE = {
    "admin@example.org": "Ada Admin",
    "region@example.org": "Rita Regional",
    "assessor@example.org": "Sam Assessor",
    "ccg.lead@example.org": "Dr Clare Lead",
    "ccg.staff@example.org": "Chris Staff",
    "hwb.lead@example.org": "Cllr Helen Board",
    "ccg2.lead@example.org": "Dr Imran Lead",
}


@transaction.atomic
def people(ds: Dataset) -> None:
    """Staff of every CCG and HWB, regional leads and assessors, and the demo logins attached to the first CCG."""
    rng = ds.rng("people")
    unusable = make_password(None)  # generated people cannot sign in; only the demo logins can
    users: list[User] = []
    roles: list[tuple[int, Organisation, str]] = []  # (index into users, organisation, role)

    def person(organisation: Organisation, role: str) -> None:
        first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.SURNAMES)
        email = f"{first}.{last}.{len(users) + 1:05d}@{EMAIL_DOMAIN}".lower()
        users.append(
            User(public_id=ds.uuid(rng), email=email, full_name=f"{first} {last}", password=unusable)
        )
        roles.append((len(users) - 1, organisation, role))

    for ccg in ds.ccgs:
        for k in range(ds.size.staff_per_ccg):
            person(ccg, Role.CCG_LEAD if k == 0 else Role.CCG_CONTRIBUTOR)
    for hwb in ds.hwbs:
        for k in range(ds.size.people_per_hwb):
            person(hwb, Role.HWB_LEAD if k == 0 else Role.HWB_MEMBER)
    for region in ds.regions:
        person(region, Role.REGIONAL_LEAD)
        for _ in range(ds.size.assessors_per_region):
            person(region, Role.ASSESSOR)
    users = _bulk(User, users)
    _bulk(Membership, [Membership(user=users[i], organisation=o, role=r) for i, o, r in roles])
    for i, organisation, role in roles:
        if role in (Role.CCG_LEAD, Role.CCG_CONTRIBUTOR):
            ds.staff.setdefault(organisation.pk, []).append(users[i])
        elif role in (Role.HWB_LEAD, Role.HWB_MEMBER):
            ds.board.setdefault(organisation.pk, []).append(users[i])
        elif role == Role.ASSESSOR:
            ds.assessors.setdefault(organisation.pk, []).append(users[i])

    # The demo logins (as `seed_demo` makes them), attached to the first CCG and its HWB.
    password = make_password(DEMO_PASSWORD)
    existing = {u.email: u for u in User.objects.filter(email__in=DEMO_PEOPLE)}
    demo = {}
    for email, full_name in DEMO_PEOPLE.items():
        user = existing.get(email) or User(email=email, full_name=full_name)
        user.password = password
        user.is_active = True
        user.is_staff = user.is_superuser = email == "admin@example.org"
        user.save()
        demo[email] = user
    first, second = ds.ccgs[0], ds.ccgs[min(1, len(ds.ccgs) - 1)]
    region = next(r for r in ds.regions if r.pk == first.region_id)
    links = [(demo["region@example.org"], r, Role.REGIONAL_LEAD) for r in ds.regions]
    links += [
        (demo["assessor@example.org"], region, Role.ASSESSOR),
        (demo["ccg.lead@example.org"], first, Role.CCG_LEAD),
        (demo["ccg.staff@example.org"], first, Role.CCG_CONTRIBUTOR),
        (demo["hwb.lead@example.org"], ds.partners[first.pk][0], Role.HWB_LEAD),
        (demo["ccg2.lead@example.org"], second, Role.CCG_LEAD),
    ]
    _bulk(
        Membership, [Membership(user=u, organisation=o, role=r) for u, o, r in links], ignore_conflicts=True
    )
    ds.staff[first.pk][:0] = [demo["ccg.lead@example.org"], demo["ccg.staff@example.org"]]
    ds.assessors[region.pk].insert(0, demo["assessor@example.org"])
    ds.board[ds.partners[first.pk][0].pk].insert(0, demo["hwb.lead@example.org"])


@transaction.atomic
def cycles(ds: Dataset) -> None:
    """Three national cycles: an authorisation wave, then two years of annual assurance (the last one open)."""
    rng = ds.rng("cycles")
    previous = None
    for index, name in enumerate(CYCLE_NAMES):
        years_ago = len(CYCLE_NAMES) - 1 - index
        starts = ds.today - datetime.timedelta(days=60 + 365 * years_ago)
        cycle = Cycle.objects.create(
            public_id=ds.uuid(rng),
            name=name,
            kind=Cycle.Kind.AUTHORISATION if index == 0 else Cycle.Kind.ANNUAL_ASSURANCE,
            framework=ds.framework,
            region=None,
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=360),
            previous=previous,
        )
        _bulk(
            CycleStep,
            [
                CycleStep(
                    cycle=cycle,
                    step=step,
                    opens_on=starts + datetime.timedelta(days=opens),
                    deadline=starts + datetime.timedelta(days=due),
                )
                for step, opens, due in [
                    (CycleStep.Step.SELF_ASSESSMENT, 0, 75),
                    (CycleStep.Step.PARTNERSHIP_REVIEW, 0, 90),
                    (CycleStep.Step.SURVEY, 60, 105),
                    (CycleStep.Step.ASSESSOR_REVIEW, 90, 180),
                ]
            ],
        )
        _bulk(Cycle.ccgs.through, [Cycle.ccgs.through(cycle=cycle, organisation=ccg) for ccg in ds.ccgs])
        ds.cycles.append(cycle)
        previous = cycle


# A small, valid PDF: evidence files are real files in the storage, just small ones.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@transaction.atomic
def evidence(ds: Dataset) -> None:
    """Each CCG's evidence library: links and small PDF files, linked to the domains and items they support."""
    rng = ds.rng("evidence")
    types = list(ds.framework.evidence_types.order_by("position"))
    expected: dict[int, list] = defaultdict(list)  # evidence type pk -> domains expecting it
    for link in DomainEvidence.objects.filter(domain__framework=ds.framework).select_related("domain"):
        expected[link.evidence_type_id].append(link.domain)
    items_by_domain: dict[int, list[Item]] = defaultdict(list)
    for item in ds.items:
        items_by_domain[item.domain_id].append(item)
    domain_links, item_links = [], []
    with _historic(Evidence):
        for ccg in ds.bar(ds.ccgs, "Evidence"):
            area = ccg.name.removeprefix("NHS ").removesuffix(" CCG")
            staff = ds.staff[ccg.pk]
            records = []
            order = rng.sample(types, len(types))
            for k in range(ds.size.evidence_per_ccg):
                kind = order[k % len(order)]
                document_date = ds.today - datetime.timedelta(days=rng.randrange(10, 700))
                created = _at(
                    min(ds.today, document_date + datetime.timedelta(days=rng.randrange(1, 30))), rng
                )
                record = Evidence(
                    public_id=ds.uuid(rng),
                    organisation=ccg,
                    title=f"{area} {kind.title}" + (f" ({k // len(order) + 1})" if k >= len(order) else ""),
                    evidence_type=kind,
                    document_date=document_date,
                    owner=rng.choice(names.OWNERS),
                    added_by=rng.choice(staff),
                    created_at=created,
                    updated_at=created,
                )
                if k < ds.size.files_per_ccg:
                    stored = default_storage.save(
                        f"evidence/{ccg.public_id}/{rng.getrandbits(128):032x}.pdf", ContentFile(PDF)
                    )
                    record.file.name = stored
                    record.original_name = f"{kind.code}-{document_date:%Y-%m}.pdf"
                    record.content_type = "application/pdf"
                    record.size = len(PDF)
                else:
                    record.url = f"https://www.example.org/{ccg.code.lower()}/{kind.code}-{k + 1}"
                records.append(record)
            records = _bulk(Evidence, records)
            ds.evidence[ccg.pk] = records
            for record in records:
                domains = expected.get(record.evidence_type_id) or [rng.choice(ds.items).domain]
                chosen = rng.sample(domains, min(len(domains), rng.randint(1, 2)))
                for domain in chosen:
                    domain_links.append(Evidence.domains.through(evidence=record, domain=domain))
                    for item in rng.sample(
                        items_by_domain[domain.pk], min(2, len(items_by_domain[domain.pk]))
                    ):
                        item_links.append(Evidence.items.through(evidence=record, item=item))
                        ds.item_evidence.setdefault((ccg.pk, item.pk), []).append(record)
    _bulk(Evidence.domains.through, domain_links, ignore_conflicts=True)
    _bulk(Evidence.items.through, item_links, ignore_conflicts=True)


def self_assessments(ds: Dataset) -> None:
    """Every CCG's self-assessment in every cycle: all items rated, submitted, with their history.

    The demo CCG's self-assessment in the open cycle is rated in full but left as a draft, so the demo logins
    can work on it.
    """
    rng = ds.rng("self_assessments")
    strength = {ccg.pk: rng.uniform(0.6, 2.0) for ccg in ds.ccgs}
    total = len(ds.cycles) * len(ds.ccgs)
    bar = tqdm(
        total=total,
        desc="Self-assessments".ljust(22),
        leave=False,
        position=1,
        disable=not ds.progress,
        unit=" rows",
        dynamic_ncols=True,
    )
    chunk = 20
    with _historic(Assessment, AuditEvent):
        for index, cycle in enumerate(ds.cycles):
            cycle.framework = ds.framework
            for start in range(0, len(ds.ccgs), chunk):
                with transaction.atomic():
                    _assessment_chunk(ds, rng, cycle, index, ds.ccgs[start : start + chunk], strength)
                bar.update(len(ds.ccgs[start : start + chunk]))
    bar.close()


def _assessment_chunk(ds, rng, cycle, index, ccgs, strength) -> None:
    last_cycle = index == len(ds.cycles) - 1
    scale = [p.value for p in ds.framework.spec.scale]
    low, high = min(scale), max(scale)
    assessments, responses, events, submissions = [], [], [], []
    plans = []
    for ccg in ccgs:
        draft = last_cycle and ccg.pk == ds.ccgs[0].pk
        opened = _at(cycle.starts_on + datetime.timedelta(days=rng.randrange(0, 10)), rng)
        submitted = _at(min(ds.today, cycle.starts_on + datetime.timedelta(days=rng.randrange(40, 75))), rng)
        reopened = not draft and rng.random() < 0.05
        first_submitted = submitted - datetime.timedelta(days=14) if reopened else submitted
        assessment = Assessment(
            public_id=ds.uuid(rng),
            cycle=cycle,
            organisation=ccg,
            status=Assessment.Status.DRAFT if draft else Assessment.Status.SUBMITTED,
            shared_with_hwb=not draft and rng.random() < 0.8,
            submitted_at=None if draft else submitted,
            first_submitted_at=None if draft else first_submitted,
            created_at=opened,
            updated_at=first_submitted if draft else submitted,
        )
        assessments.append(assessment)
        plans.append((assessment, draft, reopened, opened, first_submitted, submitted))
    _bulk(Assessment, assessments)

    for assessment, _draft, _reopened, opened, first_submitted, _submitted in plans:
        ccg = assessment.organisation
        staff = ds.staff[ccg.pk]
        level = strength[ccg.pk] + 0.35 * index
        rows = []
        for item in ds.items:
            bias = 0.4 if item.tier == Item.Tier.BASICS else -0.3
            not_applicable = item.tier == Item.Tier.FUTURE and rng.random() < 0.02
            rating = None if not_applicable else max(low, min(high, round(rng.gauss(level + bias, 0.7))))
            saved_at = opened + (first_submitted - opened) * rng.random()
            rows.append(
                ItemResponse(
                    assessment=assessment,
                    item=item,
                    rating=rating,
                    not_applicable=not_applicable,
                    reason=rng.choice(names.NOT_APPLICABLE_REASONS) if not_applicable else "",
                    narrative=rng.choice(names.NARRATIVES),
                    version=rng.randint(1, 3),
                    updated_at=saved_at,
                    updated_by=rng.choice(staff),
                )
            )
        responses.append((assessment, rows))
    _bulk(ItemResponse, [r for _, rows in responses for r in rows])

    for (assessment, rows), (_, draft, reopened, _, first_submitted, submitted) in zip(
        responses, plans, strict=True
    ):
        ccg = assessment.organisation
        links = {
            item.pk: sorted(ds.item_evidence.get((ccg.pk, item.pk), []), key=lambda e: e.title)
            for item in ds.items
        }
        for row in rows:
            state = {
                "rating": row.rating,
                "not_applicable": row.not_applicable,
                "reason": row.reason,
                "narrative": row.narrative,
                "evidence": sorted(str(e.public_id) for e in links[row.item_id]),
            }
            empty = {"rating": None, "not_applicable": False, "reason": "", "narrative": "", "evidence": []}
            events.append(
                _event(
                    row.updated_by,
                    row.updated_at,
                    ccg,
                    "item.saved",
                    row,
                    f"Item {row.item.code}",
                    empty,
                    state,
                )
            )
        if draft:
            continue
        lead = ds.staff[ccg.pk][0]
        times = [first_submitted, submitted] if reopened else [submitted]
        for number, when in enumerate(times, start=1):
            submission = Submission(
                assessment=assessment,
                number=number,
                submitted_at=when,
                submitted_by=lead,
                snapshot=snapshot(ds.framework, assessment, rows, links, lead.email, when),
            )
            events.append(
                _event(
                    lead,
                    when,
                    ccg,
                    "assessment.submitted",
                    assessment,
                    f"Self-assessment submission {number}",
                    {"status": "draft"},
                    {"status": "submitted"},
                )
            )
            if number < len(times):
                assessor = rng.choice(ds.assessors.get(ccg.region_id) or [lead])
                submission.reopened_at = when + datetime.timedelta(days=5)
                submission.reopened_by = assessor
                submission.reopen_reason = (
                    "Please add evidence for the partnership items before we review this."
                )
                events.append(
                    _event(
                        assessor,
                        submission.reopened_at,
                        ccg,
                        "assessment.reopened",
                        assessment,
                        f"Self-assessment submission {number} reopened",
                        {"status": "submitted"},
                        {"status": "draft", "reason": submission.reopen_reason},
                    )
                )
            submissions.append(submission)
    _insert(
        Submission,
        [
            "assessment_id",
            "number",
            "submitted_at",
            "submitted_by_id",
            "snapshot",
            "reopened_at",
            "reopened_by_id",
            "reopen_reason",
        ],
        [
            (
                s.assessment_id,
                s.number,
                s.submitted_at,
                s.submitted_by_id,
                s.snapshot,
                s.reopened_at,
                s.reopened_by_id,
                s.reopen_reason,
            )
            for s in submissions
        ],
    )
    _insert(
        AuditEvent,
        [
            "at",
            "actor_id",
            "actor_label",
            "organisation_id",
            "action",
            "object_type",
            "object_id",
            "context",
            "before",
            "after",
        ],
        [
            (
                e.at,
                e.actor_id,
                e.actor_label,
                e.organisation_id,
                e.action,
                e.object_type,
                e.object_id,
                e.context,
                e.before,
                e.after,
            )
            for e in events
        ],
    )


def _event(actor, at, organisation, action, obj, context, before, after) -> AuditEvent:
    return AuditEvent(
        at=at,
        actor=actor,
        actor_label=actor.email,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        context=context,
        before=before,
        after=after,
    )


def snapshot(framework, assessment, responses, links, email, when) -> dict:
    """A submission's snapshot, as `assessments.services.assessment_submit` writes it, from rows in memory."""
    assessment.cycle.framework = framework
    results = assessment_results(assessment, responses)
    return {
        "framework": {"slug": framework.slug, "version": framework.version},
        "submitted_at": when.isoformat(),
        "submitted_by": email,
        "items": [
            {
                "code": r.item.code,
                "domain": r.item.domain.number,
                "tier": r.item.tier,
                "text": r.item.text,
                "rating": r.rating,
                "not_applicable": r.not_applicable,
                "reason": r.reason,
                "narrative": r.narrative,
                "evidence": [
                    {
                        "id": str(e.public_id),
                        "title": e.title,
                        "type": e.evidence_type.title,
                        "document_date": e.document_date.isoformat(),
                        "link": e.url,
                        "file": e.original_name,
                    }
                    for e in links.get(r.item_id, [])
                ],
            }
            for r in responses
        ],
        "domains": [domain_summary(number, result) for number, result in results.items()],
    }


def partnership_reviews(ds: Dataset) -> None:
    """A partnership review per CCG–HWB pair and cycle: both sides rated and released, most agreed, some with
    actions. In the open cycle about a quarter are still being agreed, the demo CCG's with its HWB among them
    (so the demo logins can agree it); every review of a finished cycle is agreed, with the snapshot agreeing
    writes."""
    rng = ds.rng("partnership_reviews")
    items = [item for item in ds.items if item.tier in partnership_services.TIERS]
    scale = [p.value for p in ds.framework.spec.scale]
    low, high = min(scale), max(scale)
    demo_pair = (ds.ccgs[0].pk, ds.partners[ds.ccgs[0].pk][0].pk)
    now = _midnight(ds.today)  # nothing generated happens later than the day began, so runs agree
    for index, cycle in enumerate(ds.bar(ds.cycles, "Partnership reviews")):
        last_cycle = index == len(ds.cycles) - 1
        cycle.framework = ds.framework
        reviews, plans = [], []
        for ccg in ds.ccgs:
            for hwb in ds.partners[ccg.pk]:
                opened = _at(cycle.starts_on + datetime.timedelta(days=rng.randrange(0, 15)), rng)
                released = {
                    side: min(
                        now, opened + datetime.timedelta(days=rng.randrange(14, 45), hours=rng.random())
                    )
                    for side in partnership_models.SIDES
                }
                agreeing = last_cycle and ((ccg.pk, hwb.pk) == demo_pair or rng.random() < 0.25)
                agreed_at = (
                    None if agreeing else min(now, max(released.values()) + datetime.timedelta(days=14))
                )
                ccg_lead, hwb_lead = ds.staff[ccg.pk][0], ds.board[hwb.pk][0]
                reviews.append(
                    PartnershipReview(
                        public_id=ds.uuid(rng),
                        cycle=cycle,
                        ccg=ccg,
                        hwb=hwb,
                        status=PartnershipReview.Status.AGREEING
                        if agreeing
                        else PartnershipReview.Status.AGREED,
                        opened_by=ccg_lead,
                        ccg_released_at=released["ccg"],
                        ccg_released_by=ccg_lead,
                        hwb_released_at=released["hwb"],
                        hwb_released_by=hwb_lead,
                        agreed_at=agreed_at,
                        created_at=opened,
                        updated_at=agreed_at or max(released.values()),
                    )
                )
                plans.append((opened, released, agreeing))
        with transaction.atomic(), _historic(PartnershipReview):
            sides, agreements = defaultdict(list), defaultdict(list)  # index in reviews -> its rows
            for i, (review, (opened, released, agreeing)) in enumerate(zip(reviews, plans, strict=True)):
                level = rng.uniform(1.0, 2.6) + 0.3 * index
                raters = {"ccg": ds.staff[review.ccg_id], "hwb": ds.board[review.hwb_id]}
                for item in items:
                    ratings = {}
                    for side in partnership_models.SIDES:
                        lean = 0.3 if side == "ccg" else -0.2  # CCGs see themselves a little more kindly
                        ratings[side] = max(low, min(high, round(rng.gauss(level + lean, 0.8))))
                        sides[i].append(
                            SimpleNamespace(
                                item=item,
                                side=side,
                                rating=ratings[side],
                                comment=rng.choice(names.SIDE_COMMENTS),
                                version=rng.randint(1, 3),
                                updated_at=opened + (released[side] - opened) * rng.random(),
                                updated_by_id=rng.choice(raters[side]).pk,
                            )
                        )
                    agreed = not agreeing or rng.random() < 0.4
                    action = agreed and rng.random() < 0.15
                    owner = rng.choice([review.ccg, review.hwb]) if action else None
                    when = max(released.values()) + datetime.timedelta(hours=rng.randrange(1, 300))
                    agreements[i].append(
                        SimpleNamespace(
                            item=item,
                            agreed_rating=round((ratings["ccg"] + ratings["hwb"]) / 2 + 0.01)
                            if agreed
                            else None,
                            action=rng.choice(names.PARTNERSHIP_ACTIONS) if action else "",
                            action_owner=owner,
                            action_owner_id=owner.pk if owner else None,
                            action_due=(when + datetime.timedelta(days=rng.randrange(60, 240))).date()
                            if action
                            else None,
                            version=1 if agreed else 0,
                            updated_at=min(now, when) if agreed else None,
                            updated_by_id=rng.choice(raters["ccg"] + raters["hwb"]).pk if agreed else None,
                            as_audit=None,
                        )
                    )
            for i, review in enumerate(reviews):
                for row in agreements[i]:
                    row.as_audit = partial(AgreedItem.as_audit, row)
                if review.status == PartnershipReview.Status.AGREED:
                    review.snapshot = partnership_services.snapshot_of(
                        review, items, sides[i], agreements[i], review.agreed_at
                    )
            reviews = _bulk(PartnershipReview, reviews)
            _insert(
                SideRating,
                [
                    "review_id",
                    "item_id",
                    "side",
                    "rating",
                    "comment",
                    "version",
                    "updated_at",
                    "updated_by_id",
                ],
                [
                    (
                        reviews[i].pk,
                        r.item.pk,
                        r.side,
                        r.rating,
                        r.comment,
                        r.version,
                        r.updated_at,
                        r.updated_by_id,
                    )
                    for i, rows in sides.items()
                    for r in rows
                ],
            )
            _insert(
                AgreedItem,
                [
                    "review_id",
                    "item_id",
                    "agreed_rating",
                    "action",
                    "action_owner_id",
                    "action_due",
                    "version",
                    "updated_at",
                    "updated_by_id",
                ],
                [
                    (
                        reviews[i].pk,
                        a.item.pk,
                        a.agreed_rating,
                        a.action,
                        a.action_owner_id,
                        a.action_due,
                        a.version,
                        a.updated_at,
                        a.updated_by_id,
                    )
                    for i, rows in agreements.items()
                    for a in rows
                ],
            )
        ds.reviews += reviews


def surveys(ds: Dataset) -> None:
    """Every CCG's 360° survey in every cycle: `size.stakeholders_per_ccg` stakeholders invited, about
    `size.survey_response_rate` of them responding. Finished cycles' surveys are closed; the open cycle's is
    open, with about half its responses in so far.

    Stored exactly as the surveys app stores them (docs/adr/004-survey-anonymity.md): each invitation's link is
    a fresh secret that is hashed onto the stakeholder and then forgotten, each response is keyed by the HMAC of
    its respondent's link, has a random id and no timestamps, and the responses are inserted shuffled, so that
    neither their keys nor their order line them up with the stakeholders. (So the links, hashes and keys are
    the one thing that differs between two runs with the same seed.)
    """
    rng = ds.rng("surveys")
    statements = survey_services.framework_statements(ds.framework)
    codes = [s["code"] for d in statements for s in d["statements"]]
    numbers = [d["number"] for d in statements]
    per_ccg = ds.size.stakeholders_per_ccg
    groups = [
        group
        for (group, _), count in zip(
            names.STAKEHOLDER_GROUPS,
            _spread(per_ccg, [share for _, share in names.STAKEHOLDER_GROUPS]),
            strict=True,
        )
        for _ in range(count)
    ]
    tz = timezone.get_current_timezone()
    now = _midnight(ds.today)  # nothing generated happens later than the day began, so runs agree
    positive = ["strongly_disagree", "disagree", "neutral", "agree", "strongly_agree"]
    for index, cycle in enumerate(ds.bar(ds.cycles, "Surveys")):
        last_cycle = index == len(ds.cycles) - 1
        opens_on = cycle.starts_on + datetime.timedelta(days=60)
        if last_cycle:
            opens_on = min(opens_on, ds.today - datetime.timedelta(days=7))
        opens_at = datetime.datetime.combine(opens_on, datetime.time(9), tz)
        closes_at = datetime.datetime.combine(
            cycle.starts_on + datetime.timedelta(days=105), datetime.time(17), tz
        )
        rate = ds.size.survey_response_rate * (0.5 if last_cycle else 1)
        answered_until = min(now, closes_at) - datetime.timedelta(hours=1)
        survey_rows = [
            Survey(
                public_id=ds.uuid(rng),
                cycle=cycle,
                organisation=ccg,
                opens_at=opens_at,
                closes_at=closes_at,
                intro=f"{ccg.name} would like to know how well it works with you.",
                statements=statements,
                created_at=opens_at - datetime.timedelta(days=7),
                updated_at=opens_at - datetime.timedelta(days=7),
            )
            for ccg in ds.ccgs
        ]
        with transaction.atomic(), _historic(Survey):
            survey_rows = _bulk(Survey, survey_rows)
            stakeholders, responses = [], []
            for survey in survey_rows:
                mood = rng.uniform(2.0, 4.2)  # where this CCG's stakeholders sit on the five-point scale
                answers_of_survey = []
                for k, group in enumerate(groups):
                    first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.SURNAMES)
                    invited = opens_at + datetime.timedelta(hours=rng.randrange(1, 48))
                    link = secrets.token_urlsafe(survey_services.TOKEN_BYTES)
                    row = {
                        "survey_id": survey.pk,
                        "public_id": ds.uuid(rng),
                        "name": f"{first} {last}",
                        "email": f"{first}.{last}.{k + 1:04d}@stakeholders.example.org".lower(),
                        "organisation": GROUP_LABELS[group],
                        "group": group,
                        "added_at": opens_at - datetime.timedelta(days=3),
                        "token_hash": survey_services.token_hash(link),
                        "previous_token_hash": None,
                        "invited_at": invited,
                        "reminded_at": None,
                        "reminders": 0,
                        "opened_at": None,
                        "responded_at": None,
                    }
                    if rng.random() < rate:
                        row["responded_at"] = min(
                            answered_until, invited + datetime.timedelta(hours=rng.randrange(1, 24 * 30))
                        )
                        row["opened_at"] = row["responded_at"] - datetime.timedelta(
                            minutes=rng.randrange(5, 60)
                        )
                        answers = {}
                        for code in codes:
                            roll = rng.random()
                            if roll < 0.05:
                                continue  # left unanswered
                            if roll < 0.12:
                                answers[code] = "dont_know"
                            else:
                                answers[code] = positive[max(0, min(4, round(rng.gauss(mood, 0.9)) - 1))]
                        comments = {
                            str(number): rng.choice(names.SURVEY_COMMENTS)
                            for number in numbers
                            if rng.random() < 0.1
                        }
                        answers_of_survey.append(
                            (
                                uuid.uuid4(),
                                survey.pk,
                                survey_services.response_key(link),
                                group,
                                answers,
                                comments,
                            )
                        )
                    else:
                        if rng.random() < 0.3:
                            row["opened_at"] = invited + datetime.timedelta(hours=rng.randrange(1, 72))
                        if rng.random() < 0.5:  # reminded: a new link, the invitation's still working
                            row["reminders"] = 1
                            row["reminded_at"] = invited + datetime.timedelta(days=14)
                            row["previous_token_hash"] = row["token_hash"]
                            row["token_hash"] = survey_services.token_hash(
                                secrets.token_urlsafe(survey_services.TOKEN_BYTES)
                            )
                    stakeholders.append(row)
                random_order.shuffle(answers_of_survey)
                responses += answers_of_survey
            _insert(Stakeholder, list(stakeholders[0]), [tuple(row.values()) for row in stakeholders])
            random_order.shuffle(responses)
            _insert(Response, ["id", "survey_id", "key", "group", "answers", "comments"], responses)
        ds.surveys += survey_rows


def assessor_decisions(ds: Dataset) -> None:
    """Assessors' judgements and the panel's decisions, with conditions at every stage.

    In every closed cycle each submitted self-assessment is judged domain by domain by one assessor of its region
    (a second one, who sometimes disagrees, for about one in five), then decided: the outcome the judgements point
    to (now and then another, with the panel's reason), published for most, with a condition for every domain
    judged met with conditions or not met. Conditions due by today are mostly discharged (after a response with
    evidence), some escalated or awaiting an assessor, a few still open. In the open cycle about half the submitted
    self-assessments are judged, none decided yet.
    """
    from assure.decisions import rules
    from assure.decisions.models import (
        REVIEW_INTERVAL_MONTHS,
        Condition,
        ConditionEvent,
        Decision,
        Judgement,
        add_months,
    )

    rng = ds.rng("assessor_decisions")
    domains = list(ds.framework.domains.order_by("number"))
    numbers = [str(d.number) for d in domains]
    levels = list(Condition.SupportLevel.values)
    ccgs = {ccg.pk: ccg for ccg in ds.ccgs}
    with _historic(Judgement, Decision, Condition, ConditionEvent):
        for index, cycle in enumerate(ds.cycles):
            open_cycle = index == len(ds.cycles) - 1
            latest: dict[int, list] = {}
            for assessment_id, domain_results in (
                Submission.objects.filter(assessment__cycle=cycle)
                .order_by("assessment_id", "number")
                .values_list("assessment_id", "domain_results")
            ):
                latest[assessment_id] = domain_results or []
            assessments = list(
                Assessment.objects.filter(cycle=cycle, pk__in=list(latest)).only(
                    "pk", "organisation_id", "cycle_id"
                )
            )
            judged_on = cycle.starts_on + datetime.timedelta(days=100)
            decided_base = cycle.starts_on + datetime.timedelta(days=150)
            judgements, plans = [], []
            for assessment in ds.bar(assessments, f"Judgements {index + 1}"):
                if open_cycle and rng.random() < 0.5:
                    continue
                ccg = ccgs[assessment.organisation_id]
                assessors = ds.assessors.get(ccg.region_id) or []
                if not assessors:
                    continue
                met = {d["number"]: d["meets_threshold"] for d in latest[assessment.pk]}
                chosen = rng.sample(assessors, 2 if len(assessors) > 1 and rng.random() < 0.2 else 1)
                pairs = []
                for position, assessor in enumerate(chosen):
                    for domain in domains:
                        if met.get(domain.number):
                            value = (
                                Judgement.Value.MET
                                if rng.random() < 0.93
                                else Judgement.Value.MET_WITH_CONDITIONS
                            )
                        else:
                            value = (
                                Judgement.Value.MET_WITH_CONDITIONS
                                if rng.random() < 0.75
                                else Judgement.Value.NOT_MET
                            )
                        if position and rng.random() < 0.15:
                            value = rng.choice(Judgement.Value.values)
                        when = _at(min(ds.today, judged_on + datetime.timedelta(days=rng.randrange(30))), rng)
                        judgements.append(
                            Judgement(
                                public_id=ds.uuid(rng),
                                assessment=assessment,
                                domain=domain,
                                assessor=assessor,
                                value=value,
                                rationale=rng.choice(names.NARRATIVES),
                                version=1,
                                created_at=when,
                                updated_at=when,
                            )
                        )
                        pairs.append((str(domain.number), value))
                if not open_cycle:
                    plans.append((assessment, chosen[0], pairs))
            _bulk(Judgement, judgements)

            decisions, wanted = [], []
            for assessment, assessor, pairs in plans:
                outcome = rules.suggested_outcome(pairs, numbers) or rules.ESTABLISHED_NOT_AUTHORISED
                reason = ""
                if rng.random() < 0.03:
                    outcome = rng.choice([o for o in rules.OUTCOMES if o != outcome])
                if rules.contradicts(outcome, pairs, numbers):
                    reason = "The panel weighed evidence presented at the panel meeting."
                decided_on = min(ds.today, decided_base + datetime.timedelta(days=rng.randrange(30)))
                published = rng.random() < 0.9
                when = _at(decided_on, rng)
                decisions.append(
                    Decision(
                        public_id=ds.uuid(rng),
                        assessment=assessment,
                        outcome=outcome,
                        decided_on=decided_on,
                        panel=f"{assessor.get_full_name()} (chair)\nRegional panel member\nLay member",
                        rationale=rng.choice(names.NARRATIVES),
                        contradiction_reason=reason,
                        snapshot={"outcome": outcome, "judgements": len(pairs), "generated": True},
                        recorded_by=assessor,
                        published_at=_at(min(ds.today, decided_on + datetime.timedelta(days=7)), rng)
                        if published
                        else None,
                        version=1 if published else 0,
                        created_at=when,
                        updated_at=when,
                    )
                )
                weak = sorted({int(d) for d, v in pairs if v != "met"})
                if outcome == rules.AUTHORISED:
                    weak = []
                elif outcome == rules.AUTHORISED_WITH_CONDITIONS and not weak:
                    weak = [rng.choice(domains).number]
                wanted.append((assessor, published, weak))
            _bulk(Decision, decisions)

            conditions, histories = [], []
            by_number = {d.number: d for d in domains}
            for decision, (assessor, published, weak) in zip(decisions, wanted, strict=True):
                for number in weak:
                    due = decision.decided_on + datetime.timedelta(days=rng.randrange(90, 271))
                    status = Condition.Status.OPEN
                    roll = rng.random()
                    if published and due <= ds.today:
                        status = (
                            Condition.Status.DISCHARGED
                            if roll < 0.7
                            else Condition.Status.ESCALATED
                            if roll < 0.8
                            else Condition.Status.EVIDENCE_SUBMITTED
                            if roll < 0.9
                            else Condition.Status.OPEN
                        )
                    elif published and roll < 0.3:
                        status = Condition.Status.EVIDENCE_SUBMITTED
                    responded_on = min(ds.today, decision.decided_on + (due - decision.decided_on) * 2 // 3)
                    discharged_on = min(
                        ds.today, responded_on + datetime.timedelta(days=rng.randrange(1, 30))
                    )
                    when = _at(decision.decided_on, rng)
                    conditions.append(
                        Condition(
                            public_id=ds.uuid(rng),
                            decision=decision,
                            domain=by_number[number],
                            text=f"Show the basics of domain {number} in place, with evidence the board has agreed.",
                            support_level=rng.choice(levels),
                            due=due,
                            status=status,
                            raised_on=decision.decided_on,
                            discharged_on=discharged_on if status == Condition.Status.DISCHARGED else None,
                            next_review_on=None
                            if status == Condition.Status.DISCHARGED
                            else add_months(decision.decided_on, REVIEW_INTERVAL_MONTHS),
                            version={"open": 0, "evidence_submitted": 1, "escalated": 1, "discharged": 2}[
                                status
                            ],
                            created_at=when,
                            updated_at=when,
                        )
                    )
                    histories.append((assessor, status, responded_on, discharged_on))
            _bulk(Condition, conditions)

            events, links = [], []
            for condition, (assessor, status, responded_on, discharged_on) in zip(
                conditions, histories, strict=True
            ):
                ccg_id = condition.decision.assessment.organisation_id
                lead = ds.staff[ccg_id][0]
                steps = []
                if status in (Condition.Status.EVIDENCE_SUBMITTED, Condition.Status.DISCHARGED):
                    steps.append(("response", "open", "evidence_submitted", lead, responded_on))
                if status == Condition.Status.DISCHARGED:
                    steps.append(("discharge", "evidence_submitted", "discharged", assessor, discharged_on))
                if status == Condition.Status.ESCALATED:
                    steps.append(("escalation", "open", "escalated", assessor, condition.due))
                for kind, before, after, actor, day in steps:
                    event = ConditionEvent(
                        public_id=ds.uuid(rng),
                        condition=condition,
                        kind=kind,
                        text=rng.choice(names.NARRATIVES),
                        status_before=before,
                        status_after=after,
                        actor=actor,
                        happened_on=day,
                        created_at=_at(day, rng),
                        updated_at=_at(day, rng),
                    )
                    events.append(event)
                    library = ds.evidence.get(ccg_id) or []
                    if kind == "response" and library:
                        links.append((event, rng.choice(library)))
            _bulk(ConditionEvent, events)
            _bulk(
                ConditionEvent.evidence.through,
                [ConditionEvent.evidence.through(conditionevent=e, evidence=ev) for e, ev in links],
            )


def good_practice(ds: Dataset) -> None:
    """Good practice examples from CCGs and HWBs across the country: `size.good_practice` of them, each about one
    domain, with a theme or two and a few items of it, spread over every domain. Most are published (moderated by
    their region's lead), some await moderation, some are drafts, a few were sent back or turned down. The demo
    CCG has one of each state a CCG lead meets: a draft and one sent back for changes."""
    rng = ds.rng("good_practice")
    count = ds.size.good_practice
    if not count:
        return
    domains = list(Domain.objects.filter(framework=ds.framework).order_by("number"))
    themes = defaultdict(list)
    for theme in Theme.objects.filter(domain__framework=ds.framework).order_by("position"):
        themes[theme.domain_id].append(theme)
    items = defaultdict(list)
    for item in ds.items:
        items[item.domain_id].append(item)
    leads = {}  # region pk -> its regional lead, the moderator
    for membership in Membership.objects.filter(
        organisation__in=ds.regions, role=Role.REGIONAL_LEAD, user__email__endswith=f"@{EMAIL_DOMAIN}"
    ):
        leads.setdefault(membership.organisation_id, membership.user_id)
    authors = [(ccg, ds.staff[ccg.pk]) for ccg in ds.ccgs] + [(hwb, ds.board[hwb.pk]) for hwb in ds.hwbs]
    status = Example.Status
    states = [status.PUBLISHED] * 6 + [
        status.SUBMITTED,
        status.DRAFT,
        status.CHANGES_REQUESTED,
        status.REJECTED,
    ]
    now = _midnight(ds.today)
    examples, tags = [], []
    for k in range(count):
        if k < 2:  # the demo CCG's own: a draft and one sent back
            organisation, people = ds.ccgs[0], ds.staff[ds.ccgs[0].pk]
            state = [status.DRAFT, status.CHANGES_REQUESTED][k]
        else:
            organisation, people = authors[rng.randrange(1, len(authors))]
            state = states[k % len(states)]
        domain = domains[k % len(domains)]
        area = (
            organisation.name.removeprefix("NHS ")
            .removesuffix(" CCG")
            .removesuffix(" Health and Wellbeing Board")
        )
        created = now - datetime.timedelta(days=rng.randrange(20, 700), hours=rng.randrange(24))
        submitted = created + datetime.timedelta(days=rng.randrange(1, 10))
        moderated = submitted + datetime.timedelta(days=rng.randrange(1, 14))
        moderator = leads.get(organisation.region_id)
        example = Example(
            public_id=ds.uuid(rng),
            organisation=organisation,
            framework=ds.framework,
            title=f"{rng.choice(names.GOOD_PRACTICE_WORK)} in {area}",
            summary=f"How {organisation.name} approached {domain.short_title.lower()}.",
            what_we_did=rng.choice(names.GOOD_PRACTICE_HOW),
            results=rng.choice(names.GOOD_PRACTICE_RESULTS),
            contact_name=people[0].full_name,
            contact_email=people[0].email,
            status=state,
            moderation_note=names.GOOD_PRACTICE_NOTE if state == status.CHANGES_REQUESTED else "",
            submitted_at=None if state == status.DRAFT else submitted,
            moderated_at=moderated if state not in (status.DRAFT, status.SUBMITTED) else None,
            moderated_by_id=moderator if state not in (status.DRAFT, status.SUBMITTED) else None,
            published_at=moderated if state == status.PUBLISHED else None,
            created_by=people[0],
            created_at=created,
            updated_at=moderated if state not in (status.DRAFT, status.SUBMITTED) else submitted,
        )
        chosen_themes = rng.sample(themes[domain.pk], min(len(themes[domain.pk]), rng.randint(1, 2)))
        chosen_items = rng.sample(items[domain.pk], min(len(items[domain.pk]), rng.randint(2, 4)))
        examples.append(example)
        tags.append(([domain], chosen_themes, chosen_items))
    with transaction.atomic(), _historic(Example):
        examples = _bulk(Example, examples)
        through = Example.domains.through, Example.themes.through, Example.items.through
        _bulk(
            through[0],
            [through[0](example=e, domain=d) for e, t in zip(examples, tags, strict=True) for d in t[0]],
        )
        _bulk(
            through[1],
            [through[1](example=e, theme=x) for e, t in zip(examples, tags, strict=True) for x in t[1]],
        )
        _bulk(
            through[2],
            [through[2](example=e, item=i) for e, t in zip(examples, tags, strict=True) for i in t[2]],
        )
        for example, (example_domains, example_themes, example_items) in zip(examples, tags, strict=True):
            # The search text, as the services write it (`_search_document`), from what is in memory.
            parts = [example.title, example.summary, example.what_we_did, example.results]
            parts += [example.organisation.name, example.organisation.type.name]
            parts += [f"Domain {d.number} {d.title} {d.short_title}" for d in example_domains]
            parts += [t.title for t in example_themes]
            parts += [f"{i.code} {i.text}" for i in example_items]
            example.search_document = "\n".join(p for p in parts if p)
        Example.objects.bulk_update(examples, ["search_document"], batch_size=BATCH)


# The generators, run in this order; each commits its own work (in one transaction, or in batches when big). Features not built yet add theirs here as they
# land, reading what the earlier generators left on the Dataset (ds.ccgs, ds.partners, ds.staff, ds.cycles…):
#
# - assessor_judgements: an assessor's judgement per domain for each submitted self-assessment;
# - decisions: an authorisation decision per CCG and cycle, some with conditions, a few conditions discharged;
# - good_practice: examples drawn from the strongest domains, some published to the library.
# - development_plans: a plan per CCG after each decision, with actions against the weakest domains;
def planner_statistics(ds: Dataset) -> None:
    """Fresh statistics for the query planner, now that the tables hold a country (assure/core/statistics.py)."""
    statistics.refresh()


GENERATORS: list[Callable[[Dataset], None]] = [
    organisations,
    people,
    cycles,
    evidence,
    self_assessments,
    partnership_reviews,
    surveys,
    assessor_decisions,
    development_plans,
    good_practice,
    planner_statistics,  # last: after everything is loaded
]


# Reset --------------------------------------------------------------------------------------------------------


def national_organisations() -> QuerySet:
    return Organisation.objects.filter(code__startswith=PREFIX)


def national_cycles() -> QuerySet:
    national = national_organisations()
    ids = Cycle.objects.filter(Q(ccgs__in=national) | Q(region__in=national)).values("pk")
    return Cycle.objects.filter(pk__in=ids)


def _raw_delete(queryset: QuerySet) -> int:
    return queryset._raw_delete(queryset.db)


def _delete_evidence_files() -> None:
    for name in (
        Evidence.objects.filter(organisation__in=national_organisations())
        .exclude(file="")
        .values_list("file", flat=True)
    ):
        default_storage.delete(name)


def _delete_decisions(what: str) -> None:
    from assure.decisions.models import AssessorRating, Condition, ConditionEvent, Decision, Judgement

    national = Q(assessment__cycle__in=national_cycles()) | Q(
        assessment__organisation__in=national_organisations()
    )
    decisions = Decision.objects.filter(national)
    querysets = {
        "event_evidence": lambda: ConditionEvent.evidence.through.objects.filter(
            conditionevent__condition__decision__in=decisions
        ),
        "events": lambda: ConditionEvent.objects.filter(condition__decision__in=decisions),
        "conditions": lambda: Condition.objects.filter(decision__in=decisions),
        "decisions": lambda: decisions,
        "ratings": lambda: AssessorRating.objects.filter(national),
        "judgements": lambda: Judgement.objects.filter(national),
    }
    querysets[what]().delete()


# Fast deletes of the big tables, children first. Whatever is left (and anything a newer app hangs off these
# organisations, cycles or people) goes with the final cascading deletes in `reset()`.
RESET_STEPS: list[Callable[[], object]] = [
    _delete_evidence_files,
    lambda: PlanAction.objects.filter(plan__organisation__in=national_organisations()).delete(),
    lambda: AuditEvent.objects.filter(organisation__in=national_organisations()).delete(),
    lambda: Response.objects.filter(survey__organisation__in=national_organisations()).delete(),
    lambda: EmailDelivery.objects.filter(
        stakeholder__survey__organisation__in=national_organisations()
    ).delete(),
    # Raw: the deliveries that would make Django fetch every stakeholder first are gone.
    lambda: _raw_delete(Stakeholder.objects.filter(survey__organisation__in=national_organisations())),
    lambda: Survey.objects.filter(organisation__in=national_organisations()).delete(),
    lambda: SideRating.objects.filter(review__ccg__in=national_organisations()).delete(),
    lambda: AgreedItem.objects.filter(review__ccg__in=national_organisations()).delete(),
    lambda: PartnershipReview.objects.filter(ccg__in=national_organisations()).delete(),
    *[
        partial(_delete_decisions, name)
        for name in ("event_evidence", "events", "conditions", "decisions", "ratings", "judgements")
    ],
    lambda: Submission.objects.filter(assessment__cycle__in=national_cycles()).delete(),
    lambda: Submission.objects.filter(assessment__organisation__in=national_organisations()).delete(),
    lambda: ItemResponse.objects.filter(assessment__cycle__in=national_cycles()).delete(),
    lambda: ItemResponse.objects.filter(assessment__organisation__in=national_organisations()).delete(),
    lambda: Evidence.items.through.objects.filter(
        evidence__organisation__in=national_organisations()
    ).delete(),
    lambda: Evidence.domains.through.objects.filter(
        evidence__organisation__in=national_organisations()
    ).delete(),
    lambda: Relation.objects.filter(
        Q(subject__in=national_organisations()) | Q(object__in=national_organisations())
    ).delete(),
    lambda: Membership.objects.filter(organisation__in=national_organisations()).delete(),
]


@transaction.atomic
def reset(*, progress: bool = False) -> None:
    """Delete the national dataset, and nothing else."""
    steps = [
        *RESET_STEPS,
        lambda: Assessment.objects.filter(
            Q(cycle__in=national_cycles()) | Q(organisation__in=national_organisations())
        ).delete(),
        lambda: Evidence.objects.filter(organisation__in=national_organisations()).delete(),
        lambda: national_cycles().delete(),
        lambda: national_organisations().exclude(type__code=OrganisationType.REGION).delete(),
        lambda: national_organisations().delete(),
        lambda: User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete(),
    ]
    for step in tqdm(steps, desc="Removing the old data".ljust(22), disable=not progress, unit=" steps"):
        step()


def generate(
    *,
    size: Size | None = None,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    progress: bool = False,
) -> Dataset:
    """Replace the national dataset with a newly generated one."""
    framework = Framework.objects.latest_versions().filter(slug=FRAMEWORK_SLUG).first()
    if framework is None:
        raise RuntimeError(
            f"The built-in framework {FRAMEWORK_SLUG} is missing: run `manage.py migrate` first."
        )
    started = time.monotonic()
    reset(progress=progress)
    reset_took = time.monotonic() - started
    ds = Dataset(
        size=size or Size(),
        seed=seed,
        today=today or timezone.localdate(),
        framework=framework,
        progress=progress,
        timings={"reset": reset_took},
    )
    stages = tqdm(
        GENERATORS, desc="National dataset", disable=not progress, unit=" stages", dynamic_ncols=True
    )
    for generator in stages:
        stages.set_postfix_str(generator.__name__)
        started = time.monotonic()
        generator(ds)
        ds.timings[generator.__name__] = time.monotonic() - started
    return ds
