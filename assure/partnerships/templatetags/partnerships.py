from django import template
from django.template.defaultfilters import pluralize
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe

from assure.core.links import NUMBER, PUBLIC_ID, UrlPattern
from assure.core.markup import escape, tag
from assure.core.templatetags.nhsuk import domid

register = template.Library()


@register.filter
def label_of(scale: dict, value):
    """The scale's label for a rating value: {{ scale|label_of:2 }} -> "In place"."""
    if value is None or value == "":
        return ""
    return scale.get(value, "")


def _gap_item(row, gap, scale: dict, agree_url: str, can_agree: bool) -> str:
    item = row.item
    code, anchor = escape(item.code), domid(item.code)

    def side(label: str, value, rating) -> str:
        comment = f"<br>“{escape(rating.comment)}”" if rating is not None and rating.comment else ""
        return (
            f'<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{label}</dt>'
            f'<dd class="nhsuk-summary-list__value"><strong>{escape(value)}</strong> '
            f"{escape(label_of(scale, value))}{comment}</dd></div>"
        )

    if gap.size == 0:
        difference = "They agree"
    else:
        higher = "CCG" if gap.higher == "ccg" else "HWB"
        difference = f"{escape(gap.size)} point{pluralize(gap.size)}: the {higher} rates it higher"
    agreed = ""
    if row.agreed is not None and row.agreed.agreed_rating is not None:
        rating = row.agreed.agreed_rating
        action = ""
        if row.agreed.action:
            owner = row.agreed.action_owner.name if row.agreed.action_owner is not None else ""
            due = date_format(row.agreed.action_due, "j F Y") if row.agreed.action_due else ""
            action = f"<br>Action: {escape(row.agreed.action)} ({escape(owner)}, by {escape(due)})"
        agreed = (
            '<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Agreed</dt>'
            f'<dd class="nhsuk-summary-list__value"><strong>{escape(rating)}</strong> '
            f"{escape(label_of(scale, rating))}{action}</dd></div>"
        )
    flag = f"<p>{tag('To discuss', 'orange')}</p>" if gap.to_discuss else ""
    link = f"Agree {code}" if can_agree else f"Agreement of {code}"
    return (
        f'<div class="assure-item" id="item-{anchor}">'
        f'<h3 class="nhsuk-heading-s"><span class="assure-code">{code}</span> {escape(item.text)}</h3>{flag}'
        '<dl class="nhsuk-summary-list">'
        f"{side('CCG', gap.ccg, row.ccg)}{side('HWB', gap.hwb, row.hwb)}"
        '<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Gap</dt>'
        f'<dd class="nhsuk-summary-list__value">{difference}</dd></div>{agreed}</dl>'
        f'<p class="nhsuk-body-s"><a href="{escape(agree_url)}#item-{anchor}">{link}</a></p></div>\n'
    )


@register.simple_tag
def gap_items(rows, review, scale: dict, can_agree: bool) -> SafeString:
    """{% gap_items rows review scale can_agree %}: each item of the gaps page with both sides' ratings, the gap
    and the agreement, written out in Python (some 80 items; as template nodes they were half the page's time).
    `rows` are the view's (board row, gap) pairs."""
    agree = UrlPattern("partnerships:agree_domain", PUBLIC_ID, NUMBER)
    return mark_safe(  # noqa: S308 - every value escaped in _gap_item
        "".join(
            _gap_item(row, gap, scale, agree.format(review.public_id, row.item.domain.number), can_agree)
            for row, gap in rows
        )
    )
