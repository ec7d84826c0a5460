import datetime

from assure.decisions import services
from assure.decisions.queries import ccgs_free_of_conditions_over_time, queue

from .factories import decide, judge_all


def test_ccgs_free_of_conditions_by_quarter_end(demo, fresh, django_assert_num_queries):
    # The demo: Newham authorised, Haringey with two conditions still open.
    judge_all(fresh, demo.assessor, {2: "met_with_conditions"})
    decision = decide(
        fresh, demo.assessor, outcome="authorised_with_conditions", conditions=[("2", "Plan.", "toolkit", 30)]
    )
    condition = decision.conditions.get()
    until = decision.decided_on + datetime.timedelta(days=400)
    with django_assert_num_queries(2):
        before = ccgs_free_of_conditions_over_time(demo.cycle, until=until)
    assert before and all(q.with_open_conditions == 2 for q in before if q.decided == 3)

    evidence_type = demo.framework.evidence_types.first()
    evidence = fresh.organisation.evidence.create(
        title="Plan",
        evidence_type=evidence_type,
        document_date=decision.decided_on,
        url="https://example.org/p",
    )
    lead = fresh.organisation.memberships.get().user
    condition = services.condition_respond(
        condition=condition, user=lead, text="Done.", evidence=[evidence], version=0
    )
    discharged_on = decision.decided_on + datetime.timedelta(days=100)
    services.condition_discharge(
        condition=condition, user=demo.assessor, note="", version=1, today=discharged_on
    )

    after = ccgs_free_of_conditions_over_time(demo.cycle, until=until)
    last = after[-1]
    assert (last.decided, last.free, last.with_open_conditions) == (3, 2, 1)
    first_with_all = next(q for q in after if q.decided == 3)
    if first_with_all.quarter_end < discharged_on:
        assert first_with_all.free == 1
    only = ccgs_free_of_conditions_over_time(demo.cycle, ccg_ids=[fresh.organisation_id], until=until)
    assert only[-1].free == 1 and only[-1].decided == 1


def test_the_queue_for_an_outsider_is_empty(outsider):
    assert queue(outsider) == []


def test_the_queue_counts_each_surveys_responses_from_their_index_alone(demo):
    """COUNT(*), not COUNT(id): counting ids, SQLite read every response's row and PostgreSQL visited the table,
    three to ten times slower for a region's surveys (assure/decisions/queries.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        rows = queue(demo.assessor, cycles=[demo.cycle])
    assert any(row.survey_responses for row in rows)
    (sql,) = [q["sql"] for q in captured.captured_queries if 'FROM "surveys_response"' in q["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING COVERING INDEX surveys_response_survey_id" in plan, plan
        else:
            # Off the table scans, so the plan says whether the index alone can answer: statistics left by a
            # larger dataset earlier in the same database (ANALYZE's row counts outlive a rolled-back test) can
            # otherwise make a bitmap scan of index and table look cheaper for either count.
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            cursor.execute("SET enable_bitmapscan = on")
            assert "Index Only Scan using surveys_response_survey_id" in plan, plan


def test_the_queue_from_cycles_already_read_is_the_same_in_one_query_less(demo, django_assert_num_queries):
    from assure.decisions.queries import queue_cycles

    for user in (demo.assessor, demo.region_lead, demo.admin):
        cycles = list(queue_cycles(user))
        with django_assert_num_queries(7):
            read = queue(user)
        with django_assert_num_queries(6):
            given = queue(user, cycles=cycles)
        assert given == read and read
        chosen = [c for c in cycles if c.pk == demo.cycle.pk]
        with django_assert_num_queries(6):
            one = queue(user, cycles=chosen)
        assert one == [row for row in read if row.cycle.pk == demo.cycle.pk] and one
