from django import template

register = template.Library()


@register.filter
def label_of(scale: dict, value):
    """The scale's label for a rating value: {{ scale|label_of:2 }} -> "In place"."""
    if value is None or value == "":
        return ""
    return scale.get(value, "")
