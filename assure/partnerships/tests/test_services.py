"""Partnership review workflows: opening, rating without lost updates, releasing, agreeing and the snapshot."""

from __future__ import annotations

import datetime

import pytest

from assure.audit.models import AuditEvent
from assure.organisations.tests.factories import HWBFactory
from assure.partnerships import services
from assure.partnerships.models import AgreedItem, PartnershipReview, SideRating

from .factories import PartnershipReviewFactory, agree_all, rate_side, release_both


def _rating(review, side, code="1.1") -> SideRating:
    rating = SideRating.objects.select_related("item").get(review=review, side=side, item__code=code)
    rating.review = review
    return rating


def _agreed(review, code="1.1") -> AgreedItem:
    return AgreedItem.objects.select_related("item").get(review=review, item__code=code)


def test_opening_a_review_creates_both_sides_and_agreements_for_every_basics_and_future_item(fresh, demo):
    items = demo.framework.items.filter(tier__in=["basics", "future"]).count()
    assert items == 77
    assert fresh.side_ratings.filter(side="ccg").count() == items
    assert fresh.side_ratings.filter(side="hwb").count() == items
    assert fresh.agreed_items.count() == items
    assert fresh.status == PartnershipReview.Status.RATING
    assert AuditEvent.objects.for_object(fresh).get().action == "partnership.opened"


def test_opening_again_returns_the_same_review(fresh, demo):
    review, created = services.review_open(cycle=demo.cycle, ccg=demo.ccg, hwb=demo.hwb, user=demo.hwb_lead)
    assert (review, created) == (fresh, False)


def test_a_ccg_with_two_hwbs_has_two_reviews(demo):
    reviews = PartnershipReview.objects.filter(cycle=demo.cycle, ccg=demo.hackney)
    assert {r.hwb for r in reviews} == set(demo.hackney_hwbs)


def test_a_review_needs_the_two_organisations_to_be_partners(demo):
    with pytest.raises(services.NotPartners, match="not recorded as partners"):
        services.review_open(cycle=demo.cycle, ccg=demo.ccg2, hwb=demo.hwb, user=demo.ccg_lead)
    stranger = HWBFactory(region=demo.region)
    with pytest.raises(services.NotPartners):
        services.review_open(cycle=demo.cycle, ccg=demo.ccg, hwb=stranger, user=demo.ccg_lead)


def test_a_review_needs_the_ccg_to_take_part_in_the_cycle(demo, elsewhere):
    with pytest.raises(services.NotPartners, match="does not take part"):
        services.review_open(cycle=elsewhere.cycle, ccg=demo.ccg, hwb=demo.hwb, user=demo.ccg_lead)


def test_rating_saves_with_a_new_version_and_is_audited(fresh, demo):
    saved = services.side_rating_save(
        rating=_rating(fresh, "ccg"), user=demo.ccg_staff, value=2, comment="Seen at the board", version=0
    )
    assert (saved.rating, saved.comment, saved.version, saved.updated_by) == (
        2,
        "Seen at the board",
        1,
        demo.ccg_staff,
    )
    event = AuditEvent.objects.for_object(saved).get()
    assert event.action == "partnership.rated"
    assert event.organisation is None  # kept out of the CCG's organisation-wide log, which assessors read
    assert event.after == {"rating": 2, "comment": "Seen at the board"}


def test_a_stale_version_is_refused_and_nothing_is_overwritten(fresh, demo):
    services.side_rating_save(
        rating=_rating(fresh, "hwb"), user=demo.hwb_lead, value=3, comment="Lead", version=0
    )
    with pytest.raises(
        services.StaleEdit, match=r"Cllr Helen Board saved item 1\.1 while you were editing it"
    ):
        services.side_rating_save(
            rating=_rating(fresh, "hwb"), user=demo.hwb_lead, value=0, comment="Me", version=0
        )
    assert (_rating(fresh, "hwb").rating, _rating(fresh, "hwb").comment) == (3, "Lead")


@pytest.mark.parametrize("value", [4, -1, 99])
def test_a_rating_off_the_scale_is_refused_with_a_message_for_people(fresh, demo, value):
    with pytest.raises(services.Invalid) as info:
        services.side_rating_save(
            rating=_rating(fresh, "ccg"), user=demo.ccg_lead, value=value, comment="", version=0
        )
    assert info.value.errors == {"rating": "Choose a rating for 1.1 from 0 to 3"}


def test_a_too_long_comment_is_refused(fresh, demo):
    with pytest.raises(services.Invalid) as info:
        services.side_rating_save(
            rating=_rating(fresh, "ccg"), user=demo.ccg_lead, value=1, comment="x" * 2001, version=0
        )
    assert "2,000 characters or fewer" in info.value.errors["comment"]


def test_a_side_is_released_only_when_every_item_is_rated(fresh, demo):
    rate_side(fresh, "ccg", only=70)
    with pytest.raises(services.IncompleteSide) as info:
        services.side_release(review=fresh, side="ccg", user=demo.ccg_lead)
    assert len(info.value.missing) == 7
    rate_side(fresh, "ccg")
    review = services.side_release(review=fresh, side="ccg", user=demo.ccg_lead)
    assert review.ccg_released_at and review.status == PartnershipReview.Status.RATING
    assert review.stage == "CCG released, HWB rating"


def test_a_released_side_can_no_longer_change(fresh, demo):
    rate_side(fresh, "ccg")
    services.side_release(review=fresh, side="ccg", user=demo.ccg_lead)
    with pytest.raises(services.ReviewLocked, match="CCG side has been released"):
        services.side_rating_save(
            rating=_rating(fresh, "ccg"), user=demo.ccg_lead, value=0, comment="", version=1
        )
    with pytest.raises(services.ReviewLocked, match="already been released"):
        services.side_release(review=fresh, side="ccg", user=demo.ccg_lead)
    # The other side still rates.
    services.side_rating_save(
        rating=_rating(fresh, "hwb"), user=demo.hwb_lead, value=1, comment="", version=0
    )


def test_when_both_sides_release_agreeing_begins(fresh, demo):
    review = release_both(fresh, ccg_user=demo.ccg_lead, hwb_user=demo.hwb_lead)
    assert review.status == PartnershipReview.Status.AGREEING
    actions = list(AuditEvent.objects.for_object(review).values_list("action", flat=True))
    assert actions.count("partnership.released") == 2


def test_items_cannot_be_agreed_before_both_sides_release(fresh, demo):
    with pytest.raises(services.ReviewLocked, match="Both sides must release"):
        services.agreement_save(
            agreed=_agreed(fresh),
            user=demo.ccg_lead,
            data=services.AgreementInput(agreed_rating=2),
            version=0,
        )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"agreed_rating": None}, "agreed_rating", "Choose the agreed rating for 1.1"),
        ({"agreed_rating": 7}, "agreed_rating", "Choose the agreed rating for 1.1 from 0 to 3"),
        (
            {"agreed_rating": 2, "action": "Meet", "action_owner": "07R"},
            "action_due",
            "Enter the date the action for 1.1 is due",
        ),
        (
            {"agreed_rating": 2, "action": "Meet", "action_due": datetime.date(2013, 3, 31)},
            "action_owner",
            "Choose which organisation owns the action for 1.1",
        ),
        (
            {
                "agreed_rating": 2,
                "action": "Meet",
                "action_owner": "08H",
                "action_due": datetime.date(2013, 3, 31),
            },
            "action_owner",
            "Choose NHS Camden CCG or Camden Health and Wellbeing Board to own the action",
        ),
        (
            {"agreed_rating": 2, "action_owner": "07R"},
            "action",
            "Describe the action for 1.1, or leave its owner and due date empty",
        ),
    ],
)
def test_agreements_are_validated_with_messages_for_people(camden, demo, data, field, message):
    with pytest.raises(services.Invalid) as info:
        services.agreement_save(
            agreed=_agreed(camden, "2.1"), user=demo.ccg_lead, data=services.AgreementInput(**data), version=0
        )
    assert info.value.errors[field] == message.replace("1.1", "2.1")


def test_an_agreement_with_an_action_is_saved_and_audited(camden, demo):
    data = services.AgreementInput(
        agreed_rating=1,
        action="Joint workshop on the JSNA",
        action_owner="HWB-CAM",
        action_due=datetime.date(2013, 3, 31),
    )
    saved = services.agreement_save(agreed=_agreed(camden, "2.1"), user=demo.hwb_lead, data=data, version=0)
    assert (saved.agreed_rating, saved.action_owner, saved.action_due) == (
        1,
        demo.hwb,
        datetime.date(2013, 3, 31),
    )
    event = AuditEvent.objects.for_object(saved).get()
    assert event.action == "partnership.item_agreed"
    assert event.after["action_owner"] == "HWB-CAM"
    with pytest.raises(services.StaleEdit):
        services.agreement_save(agreed=_agreed(camden, "2.1"), user=demo.ccg_lead, data=data, version=0)


def test_agreeing_the_last_item_agrees_locks_and_snapshots_the_review(camden, demo):
    agree_all(camden, leave=1)
    last = (
        AgreedItem.objects.select_related("item")
        .filter(review=camden)
        .order_by("-item__domain__number", "-item__position")
        .first()
    )
    services.agreement_save(
        agreed=last, user=demo.hwb_lead, data=services.AgreementInput(agreed_rating=3), version=last.version
    )
    camden.refresh_from_db()
    assert camden.status == PartnershipReview.Status.AGREED and camden.agreed_at
    snapshot = camden.snapshot
    assert len(snapshot["items"]) == 77
    assert snapshot["items"][-1]["agreed_rating"] == 3
    assert {d["number"] for d in snapshot["domains"]} == {1, 2, 3, 4, 5, 6}
    assert set(snapshot["gaps"]["1"]) == {"agree", "differ_by_one", "differ_by_two_plus"}
    assert AuditEvent.objects.for_object(camden).filter(action="partnership.agreed").exists()
    with pytest.raises(services.ReviewLocked, match="has been agreed"):
        services.agreement_save(
            agreed=last,
            user=demo.hwb_lead,
            data=services.AgreementInput(agreed_rating=1),
            version=last.version + 1,
        )


def test_the_factory_opens_a_review_of_a_new_pair(db):
    review = PartnershipReviewFactory()
    assert review.side_ratings.count() == 154
    assert review.cycle.ccgs.filter(pk=review.ccg_id).exists()
