"""The stakeholder's survey page: no account, saves and comes back, closed and wrong links said plainly."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse

from assure.core.tests.helpers import page_text
from assure.surveys import services
from assure.surveys.models import Response, Stakeholder

from .factories import StakeholderFactory, invite


def link(token):
    return reverse("surveys:respond", args=[token])


def test_a_stakeholder_answers_without_an_account_and_comes_back_to_change(client, camden_survey):
    person = StakeholderFactory(survey=camden_survey, group="provider")
    token = invite(person)
    response = client.get(link(token))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]
    text = page_text(response)
    assert "Your views on NHS Camden CCG" in text and "How your answers are used" in text
    assert "at least 5 people" in text and "Strongly disagree" in text and "Don't know" in text
    person.refresh_from_db()
    assert person.opened_at is not None

    response = client.post(
        link(token), {"s-S1.1": "agree", "s-S2.1": "dont_know", "comment-1": "Clinicians are listened to."}
    )
    assert response["Location"] == reverse("surveys:respond_done", args=[token])
    assert "You answered 2 of 18 statements" in page_text(client.get(response["Location"]))

    again = client.get(link(token))
    assert "You have already answered" in page_text(again)
    assert 'value="agree" checked' in again.content.decode()
    client.post(link(token), {"s-S1.1": "disagree"})
    stored = Response.objects.get(survey=camden_survey, group="provider")
    assert stored.answers == {"S1.1": "disagree"} and stored.comments == {}


def test_forged_answers_are_refused_with_a_clear_message(client, camden_survey):
    token = invite(StakeholderFactory(survey=camden_survey))
    response = client.post(link(token), {"s-S1.1": "very much", "comment-2": "x" * 2001})
    assert response.status_code == 400
    text = page_text(response)
    assert "There is a problem" in text
    assert "Choose one of the answers for statement S1.1" in text
    assert "Your comment on domain 2 must be 2,000 characters or fewer" in text
    assert (
        not Response.objects.filter(survey=camden_survey, group="member_practice", answers__has_key="S1.1")
        .exclude(pk__in=Response.objects.filter(survey=camden_survey).values("pk"))
        .exists()
    )


def test_a_closed_survey_says_so_and_takes_no_answers(client, camden_survey):
    person = StakeholderFactory(survey=camden_survey)
    token = invite(person)
    with time_machine.travel(camden_survey.closes_at + datetime.timedelta(minutes=1)):
        response = client.get(link(token))
        assert response.status_code == 410
        assert "This survey has closed" in page_text(response)
        assert client.post(link(token), {"s-S1.1": "agree"}).status_code == 410
    person.refresh_from_db()
    assert person.responded_at is None


def test_a_survey_not_yet_open_says_when_it_opens(client, camden_survey):
    token = invite(StakeholderFactory(survey=camden_survey))
    with time_machine.travel(camden_survey.opens_at - datetime.timedelta(days=1)):
        assert "This survey has not opened yet" in page_text(client.get(link(token)))


def test_a_wrong_link_says_so_and_too_many_are_refused(client, camden_survey):
    response = client.get(link("not-a-real-link"))
    assert response.status_code == 404
    assert "This link is not valid" in page_text(response)
    for n in range(25):
        client.get(link(f"guess-{n}"))
    good = invite(StakeholderFactory(survey=camden_survey))
    response = client.get(link(good))
    assert response.status_code == 429 and "Too many attempts" in page_text(response)


def test_the_page_reveals_nothing_about_other_respondents(client, camden_survey):
    token = invite(StakeholderFactory(survey=camden_survey))
    text = page_text(client.get(link(token)))
    others = Stakeholder.objects.filter(survey=camden_survey).exclude(token_hash=services.token_hash(token))
    assert not any(p.email in text or p.name in text for p in others)


def test_the_respondent_page_query_count_is_fixed(client, camden_survey, django_assert_max_num_queries):
    token = invite(StakeholderFactory(survey=camden_survey))
    with django_assert_max_num_queries(6):
        client.get(link(token))
    with django_assert_max_num_queries(12):
        client.post(link(token), {f"s-S{d}.{s}": "agree" for d in range(1, 7) for s in range(1, 4)})
