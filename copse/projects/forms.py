"""Forms of documentation projects: validation only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from copse.core import cursors
from copse.projects.models import PUBLISHABLE_KINDS
from copse.projects.services import MAX_COMMENT, MAX_GOAL, MAX_NOTE, MAX_SECTION, MAX_TITLE


class ISODateInput(forms.DateInput):
    """A date input filled as the browser expects (YYYY-MM-DD), whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name or obj.email


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name or obj.email


class ProjectForm(forms.Form):
    title = forms.CharField(
        max_length=MAX_TITLE,
        label=_("Title"),
        help_text=_("What you will write, e.g. “SOP: booking visiting speakers”."),
        error_messages={"required": _("Give the project a title.")},
    )
    goal = forms.CharField(
        required=False,
        max_length=MAX_GOAL,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Goal (Markdown)"),
        help_text=_("Who it is for and what it should let them do."),
    )
    due_on = forms.DateField(
        required=False,
        label=_("Due date"),
        widget=ISODateInput(),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter the date as year-month-day, e.g. 2025-06-30.")},
    )
    kind = forms.ChoiceField(
        choices=PUBLISHABLE_KINDS,
        initial="sop",
        label=_("It will be published as"),
    )
    reviewers = PeopleField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Named reviewers"),
        help_text=_("Leave empty and any member who takes part may review and approve."),
    )

    def __init__(self, *args, writers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = writers


class NewProjectForm(ProjectForm):
    sections = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Sections, one title a line"),
        help_text=_("You own them at first; give each to its owner on the project page."),
    )

    field_order = ["title", "goal", "due_on", "kind", "sections", "reviewers"]

    def section_titles(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["sections"].splitlines() if line.strip()]


class SectionForm(forms.Form):
    title = forms.CharField(
        max_length=MAX_TITLE,
        label=_("Title"),
        error_messages={"required": _("Give the section a title.")},
    )
    owner = PersonField(
        queryset=None,
        label=_("Owner"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a member of this community.")},
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("1 is first."),
    )

    def __init__(self, *args, writers, adding=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = writers
        if adding:
            self.fields["position"].help_text = _("1 is first. Leave empty to put it last.")


class DraftForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=MAX_SECTION,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        label=_("Text (Markdown)"),
    )
    # The revision the writer started from; a save on an older one is refused.
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        required=False,
        max_length=MAX_NOTE,
        label=_("What you changed (optional)"),
    )
    ready_for_review = forms.BooleanField(required=False, label=_("Ready for review"))

    def clean_based_on(self) -> int:
        """A missing or mangled revision counts as stale: the writer then sees
        the current text beside theirs instead of overwriting it."""
        number = cursors.integer(self.cleaned_data.get("based_on"), minimum=0)
        return -1 if number is None else number


class CommentForm(forms.Form):
    body = forms.CharField(
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Your comment (Markdown)"),
        error_messages={"required": _("Write the comment before sending it.")},
    )


class PublishForm(forms.Form):
    change_note = forms.CharField(
        required=False,
        max_length=MAX_NOTE,
        label=_("What changed since it was last published"),
    )
