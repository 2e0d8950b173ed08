"""The case for a new community: validation only (the service checks again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from copse.communities.models import Community


class CommunityProposalForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={"required": _("Give the community a name.")},
    )
    slug = forms.SlugField(
        label=_("Address"),
        max_length=60,
        help_text=_("The community's address: /c/<this>/. Lowercase letters, digits and hyphens."),
        error_messages={
            "required": _("Choose its address: letters, digits and hyphens."),
            "invalid": _("Use lowercase letters, digits and hyphens only."),
        },
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What the members would learn and do together."),
        error_messages={"required": _("Say what the community is for.")},
    )
    domain = forms.CharField(
        label=_("Domain"),
        max_length=200,
        help_text=_("The shared concern or field, e.g. research administration."),
        error_messages={"required": _("Name its domain.")},
    )
    audience = forms.CharField(
        label=_("Who it is for"),
        max_length=300,
        error_messages={"required": _("Say who it is for.")},
    )
    eligibility = forms.CharField(
        label=_("Eligibility"),
        max_length=200,
        required=False,
        help_text=_('Who may join, e.g. "director-level IT".'),
    )
    kind = forms.ChoiceField(
        label=_("Members come from"),
        choices=Community.Kind.choices,
        widget=forms.RadioSelect,
        initial=Community.Kind.CROSS_ORGANISATION,
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"),
        choices=Community.Visibility.choices,
        widget=forms.RadioSelect,
        initial=Community.Visibility.MEMBERS,
    )
    case = forms.CharField(
        label=_("The case for it"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=_("Why this community, why now, what it would change. Markdown works."),
        error_messages={"required": _("Make the case for it.")},
    )
    sponsor_name = forms.CharField(
        label=_("Sponsor's name"),
        max_length=120,
        help_text=_("A person who supports it: a manager, a dean, a chief executive."),
        error_messages={"required": _("Name your sponsor.")},
    )
    sponsor_role = forms.CharField(label=_("Sponsor's role"), max_length=200, required=False)
    sponsor_email = forms.EmailField(
        label=_("Sponsor's address"),
        required=False,
        help_text=_("Optional. Only the site administrators see it."),
        error_messages={"invalid": _("Enter an address like name@example.org, or leave it empty.")},
    )


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the proposer"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to decline; welcome when approving."),
    )
