import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from assure.core.links import CODE, NUMBER, PUBLIC_ID, UrlPattern, for_render


def test_a_pattern_gives_the_same_address_as_reversing_each_time():
    ids = [uuid.uuid4() for _ in range(3)]
    report = UrlPattern("reports:report")
    assert [report.format(i) for i in ids] == [reverse("reports:report", args=[i]) for i in ids]
    submission = UrlPattern("assessments:submission", PUBLIC_ID, NUMBER)
    assert submission.format(ids[0], 12) == reverse("assessments:submission", args=[ids[0], 12])
    export = UrlPattern("assessments:submission_export", PUBLIC_ID, NUMBER, "csv")
    assert export.format(str(ids[1]), "3") == reverse(
        "assessments:submission_export", args=[ids[1], 3, "csv"]
    )


def test_a_pattern_refuses_values_that_are_not_ids_or_numbers():
    submission = UrlPattern("assessments:submission", PUBLIC_ID, NUMBER)
    with pytest.raises(ValueError, match="badly formed"):
        submission.format("../../admin", 1)
    with pytest.raises(ValueError, match="invalid literal"):
        submission.format(uuid.uuid4(), "1/../2")
    with pytest.raises(TypeError):
        submission.format(uuid.uuid4())


def test_a_url_that_takes_no_public_id_is_refused_when_the_pattern_is_made():
    with pytest.raises(NoReverseMatch):
        UrlPattern("reports:dashboard_export", "csv")


@pytest.mark.parametrize("code", ["1.10", "S2.3", "a b&c", "100%", "é?#", '1.2"<x>', "~:@!$'()*+,;="])
def test_a_code_goes_into_the_address_as_reversing_puts_it(code):
    public_id = uuid.uuid4()
    save = UrlPattern("assessments:save_item", PUBLIC_ID, CODE)
    assert save.format(public_id, code) == reverse("assessments:save_item", args=[public_id, code])


@pytest.mark.parametrize("code", ["", "1/2", "../admin"])
def test_a_code_that_is_not_one_path_segment_is_refused(code):
    with pytest.raises(ValueError, match="not one path segment"):
        UrlPattern("assessments:save_item", PUBLIC_ID, CODE).format(uuid.uuid4(), code)


def test_a_pattern_for_a_render_is_made_once_and_gives_the_same_addresses():
    from django.template import Context

    context = Context()
    first = for_render(context, "assessments:save_item", PUBLIC_ID, CODE)
    assert for_render(context, "assessments:save_item", PUBLIC_ID, CODE) is first
    assert for_render(context, "assessments:item_history", PUBLIC_ID, CODE) is not first
    public_id = uuid.uuid4()
    assert first.format(public_id, "1.10") == reverse("assessments:save_item", args=[public_id, "1.10"])
