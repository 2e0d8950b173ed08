"""Forms for amendments to the norms: validation only."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.decisions.forms import ProposalForm

NEW_SECTION = "__new__"


class AmendmentForm(forms.Form):
    section = forms.ChoiceField(
        label=_("Which section"),
        help_text=_("A section of the current norms, or a new one."),
        error_messages={"required": _("Choose the section you want to change.")},
    )
    new_heading = forms.CharField(
        label=_("Heading of the new section"),
        required=False,
        max_length=200,
        help_text=_("Only for a new section."),
    )
    text = forms.CharField(
        label=_("The section as it would read"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=_(
            "Without its heading. Markdown works. The page then shows the whole norms "
            "with your change."
        ),
        error_messages={"required": _("Write the section as it would read.")},
    )
    note = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("What it changes for how we work together."),
        error_messages={"required": _("Say why: the others comment on your reasons too.")},
    )

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [
            ("", gettext("Choose a section")),
            *sections,
            (NEW_SECTION, gettext("A new section")),
        ]

    def clean(self):
        data = super().clean()
        if data.get("section") == NEW_SECTION and not (data.get("new_heading") or "").strip():
            self.add_error("new_heading", gettext("Give the new section a heading."))
        return data

    @property
    def heading(self) -> str:
        data = self.cleaned_data
        if data["section"] == NEW_SECTION:
            return data["new_heading"]
        return data["section"]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your comment first.")},
    )

    def __init__(self, *args, **kwargs):
        # The amendment's page also holds the form that puts it to the members,
        # whose text field is called "body" too: ids must differ.
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)


class PutToMembersForm(forms.Form):
    title = ProposalForm.base_fields["title"]
    body = ProposalForm.base_fields["body"]
    rule = ProposalForm.base_fields["rule"]
    deadline = ProposalForm.base_fields["deadline"]
    quorum = ProposalForm.base_fields["quorum"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            local = timezone.localtime() + dt.timedelta(days=7)
            self.initial.setdefault("deadline", local.replace(second=0, microsecond=0))
