from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copse.conversations.models import Thread
from copse.search import sources


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), max_length=500, required=False)
    # The groups come from the registry of sources, filled in __init__.
    type = forms.ChoiceField(label=_("Show"), required=False, choices=[])
    community = forms.SlugField(required=False, label=_("Community"))
    kind = forms.ChoiceField(
        label=_("Kind of conversation"),
        choices=[("", _("Any kind")), *Thread.Kind.choices],
        required=False,
    )
    author = forms.SlugField(required=False, label=_("Author's handle"))
    tag = forms.SlugField(required=False, label=_("Tag"))
    since = forms.DateField(
        required=False,
        label=pgettext_lazy("start of a date range", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        required=False, label=_("Until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    unanswered = forms.BooleanField(required=False, label=_("Unanswered asks only"))
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [
            ("", _("Everything")),
            *((source.key, source.label) for source in sources.sources()),
        ]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date is before the start date."))
        return data
