"""Forms for peer nominations: validation only."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copse.decisions.forms import ProposalForm


class NominationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={"required": _("Give the name of the person you nominate.")},
    )
    email = forms.EmailField(
        label=_("Their address"),
        help_text=_("Seen only by you and the facilitators; the invitation goes there."),
        error_messages={
            "required": _("Enter their address, like name@example.org."),
            "invalid": _("Enter their address, like name@example.org."),
        },
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What they would bring. If the facilitators ask the members, they read this."),
        error_messages={"required": _("Say why you nominate them.")},
    )


class InviteForm(forms.Form):
    message = forms.CharField(
        label=_("A word in the invitation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Why not"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The member who nominated them reads this."),
        error_messages={"required": _("Say why in a note.")},
    )


class AskMembersForm(forms.Form):
    rule = ProposalForm.base_fields["rule"]
    deadline = ProposalForm.base_fields["deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            local = timezone.localtime() + dt.timedelta(days=7)
            self.initial.setdefault("deadline", local.replace(second=0, microsecond=0))
