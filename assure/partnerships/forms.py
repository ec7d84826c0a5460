from django import forms

from assure.core.forms import scale_choices

from .models import ACTION_MAX_LENGTH, COMMENT_MAX_LENGTH


class SideRatingForm(forms.Form):
    """One side's rating of one item, with a comment."""

    rating = forms.ChoiceField(widget=forms.RadioSelect, required=False)
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=COMMENT_MAX_LENGTH
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, code: str, scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.code = code
        self.prefix = f"item-{code}"
        self.fields["rating"].choices = scale_choices(scale)
        self.fields["rating"].label = f"Rating for {code}"
        self.fields["rating"].error_messages["invalid_choice"] = (
            f"Choose a rating for {code} from the scale shown"
        )
        self.fields["comment"].label = f"Comment on {code}"
        self.fields["comment"].error_messages["max_length"] = (
            f"The comment on {code} must be {COMMENT_MAX_LENGTH:,} characters or fewer"
        )
        self.fields["version"].error_messages["required"] = (
            f"Reload the page and make your change to {code} again"
        )


class AgreementForm(forms.Form):
    """The agreed rating of one item and, where the leads choose, a development action."""

    agreed_rating = forms.ChoiceField(widget=forms.RadioSelect)
    action = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=ACTION_MAX_LENGTH,
        label="Agreed development action (optional)",
        help_text="What the CCG and HWB will do to improve on this item.",
    )
    action_owner = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="Who owns the action")
    action_due = forms.DateField(
        required=False,
        label="When is the action due?",
        help_text="For example, 31/3/2013",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, code: str, scale, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.code = code
        self.prefix = f"agree-{code}"
        self.fields["agreed_rating"].choices = scale_choices(scale)
        self.fields["agreed_rating"].label = f"Agreed rating for {code}"
        self.fields["agreed_rating"].error_messages.update(
            required=f"Choose the agreed rating for {code}",
            invalid_choice=f"Choose the agreed rating for {code} from the scale shown",
        )
        self.fields["action_owner"].choices = [
            (review.ccg.code, review.ccg.name),
            (review.hwb.code, review.hwb.name),
        ]
        self.fields["action_owner"].label = f"Who owns the action for {code}"
        self.fields["action_owner"].error_messages["invalid_choice"] = (
            f"Choose {review.ccg.name} or {review.hwb.name} to own the action"
        )
        self.fields["action"].label = f"Agreed development action for {code} (optional)"
        self.fields["action_due"].label = f"When is the action for {code} due?"
        self.fields["action_due"].error_messages["invalid"] = (
            f"Enter the due date for {code} as day/month/year, for example 31/3/2013"
        )
        self.fields["version"].error_messages["required"] = (
            f"Reload the page and make your change to {code} again"
        )
