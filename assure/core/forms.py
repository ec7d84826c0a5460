"""Forms render through NHS.UK-styled field templates, so a page writes {{ form.field.as_field_group }}."""

from django.forms.renderers import TemplatesSetting


class NHSFormRenderer(TemplatesSetting):
    field_template_name = "components/field.html"
    form_template_name = "components/form.html"
