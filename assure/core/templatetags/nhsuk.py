"""Template helpers for NHS.UK frontend markup."""

from functools import lru_cache

from django import template
from django.forms import CheckboxInput, FileInput, PasswordInput, Select, Textarea
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()

_WIDGET_CLASSES = {
    Textarea: "nhsuk-textarea",
    Select: "nhsuk-select",
    CheckboxInput: "nhsuk-checkboxes__input",
    FileInput: "nhsuk-file-upload__input",
}


@register.simple_tag
def nhsuk_widget(field):
    """Render a bound field's widget with the NHS.UK class, error state and described-by ids."""
    widget = field.field.widget
    css = next((c for kind, c in _WIDGET_CLASSES.items() if isinstance(widget, kind)), "nhsuk-input")
    if field.errors:
        css += f" {css}--error"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if isinstance(widget, PasswordInput):
        attrs.setdefault("autocomplete", "current-password")
    written = _written_widget(field, attrs)
    return field.as_widget(attrs=attrs) if written is None else written


# Widgets whose Django templates are one element with its attributes: `_written_widget` writes them out.
_TEXTAREA = Textarea.template_name
_INPUTS = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "text",
        "email",
        "url",
        "number",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
    )
)


def _written_widget(field, attrs):
    """What `field.as_widget(attrs=attrs)` renders, written out in Python for a text input or a textarea; None
    for any other widget. Django renders each widget through two templates (the element and its attributes),
    which on pages with a form per row (a domain's items, an assessor's ratings) cost more than the rest of the
    row. The attributes, the value and its escaping are Django's own (`get_context`, `conditional_escape`)."""
    widget = field.field.widget
    template = widget.template_name
    if template != _TEXTAREA and template not in _INPUTS:
        return None
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(dict(attrs), widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    attributes = "".join(
        f" {conditional_escape(key)}"
        if value is True
        else f' {conditional_escape(key)}="{conditional_escape(value)}"'
        for key, value in context["attrs"].items()
        if value is not False
    )
    name = conditional_escape(context["name"])
    value = context["value"]
    if template == _TEXTAREA:
        text = conditional_escape(value) if value else ""
        return mark_safe(f'<textarea name="{name}"{attributes}>\n{text}</textarea>')  # noqa: S308 (escaped)
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    kind = conditional_escape(context["type"])
    return mark_safe(f'<input type="{kind}" name="{name}"{shown}{attributes}>')  # noqa: S308 (escaped)


@register.simple_tag
def hidden_field(field):
    """A bound field with a hidden input, as `{{ field }}` writes it, without the form renderer's templates."""
    return _written_widget(field, {}) or field.as_widget()


@lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    return str(escape(text))


def _options(field, kind: str, selected: set[str], disabled, only=None, exclude=None):
    return options(
        field.auto_id,
        field.html_name,
        field.field.choices,
        kind,
        selected,
        disabled,
        only=only,
        exclude=exclude,
    )


def options(
    auto_id, html_name, choices, kind: str, selected: set[str], disabled=False, only=None, exclude=None
):
    """A choice field's options as NHS.UK radio or checkbox items (`kind` "radio" or "checkbox"); each option's
    id keeps its place among all. From the field's id, name and choices, for a page that writes a field without
    building its form."""
    group = "radios" if kind == "radio" else "checkboxes"
    base = _escaped(auto_id)
    name = _escaped(html_name)
    off = " disabled" if disabled else ""
    parts = []
    for index, (value, label) in enumerate(choices):
        value = str(value)
        if (only is not None and value != only) or (exclude is not None and value == exclude):
            continue
        checked = " checked" if value in selected else ""
        parts.append(
            f'<div class="nhsuk-{group}__item"><input class="nhsuk-{group}__input" id="{base}_{index}" '
            f'name="{name}" type="{kind}" value="{_escaped(value)}"{checked}{off}><label class="nhsuk-label '
            f'nhsuk-{group}__label" for="{base}_{index}">{_escaped(str(label))}</label></div>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 (every piece above is escaped)


@register.simple_tag
def nhsuk_checkboxes(field, disabled=False):
    """The NHS.UK checkbox items of a multiple-choice field, written out in one go.

    Equivalent to looping over the field's options in a template, but a page that has many of them (a domain
    page ticks the whole evidence library against every item) renders several times faster. Every value and label
    is escaped (once per distinct text: the same evidence titles come back for every item of a page).
    """
    selected = {str(v) for v in (field.value() or [])}
    return _options(field, "checkbox", selected, disabled)


@register.simple_tag
def nhsuk_radios(field, disabled=False, only=None, exclude=None):
    """The NHS.UK radio items of a choice field, written out in one go, like `nhsuk_checkboxes`.

    `only` or `exclude` (a value) picks some of the options, keeping each option's id (its place among all of
    them), so that a conditional reveal can follow one of them: a domain page writes the scale with
    `exclude="na"`, then "not applicable" with `only="na"` and its reason after it.
    """
    current = field.value()
    selected = {"" if current is None else str(current)}
    return _options(field, "radio", selected, disabled, only=only, exclude=exclude)


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split framework text on blank lines into paragraphs."""
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]


@register.filter
def domid(value) -> str:
    """A string safe to use as an HTML id and in a CSS selector: '1.10' -> '1-10'."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(value))


@register.tag
def scroll(parser, token):
    """Wrap a wide table in the NHS.UK scroll component, labelled by the element with the given id (its caption).

    {% scroll "tokens-caption" %}<table>…<caption id="tokens-caption">…</table>{% endscroll %}

    Several arguments are joined into one id: {% scroll "coverage-" section.domain.number %}.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the id of the element that labels it")
    nodelist = parser.parse(("endscroll",))
    parser.delete_first_token()
    return ScrollNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class ScrollNode(template.Node):
    def __init__(self, nodelist, labelledby):
        self.nodelist = nodelist
        self.labelledby = labelledby

    def render(self, context):
        labelledby = "".join(str(part.resolve(context)) for part in self.labelledby)
        return render_to_string(
            "components/scroll.html", {"content": self.nodelist.render(context), "labelledby": labelledby}
        )


@register.simple_tag(takes_context=True)
def export_links(context, url_name, *args, what="this table"):
    """Links to download a table as CSV and Excel: {% export_links "evidence:library_export" organisation.code %}.

    The URL named `url_name` takes `args` and then the format (`csv` or `xlsx`); the page's query string (its
    filters) is carried over, so the download holds what the page shows.
    """
    from django.urls import reverse

    request = context.get("request")
    query = request.GET.urlencode() if request is not None else ""
    links = {
        fmt: reverse(url_name, args=[*args, fmt]) + (f"?{query}" if query else "") for fmt in ("csv", "xlsx")
    }
    return render_to_string("components/export_links.html", {"links": links, "what": what})
