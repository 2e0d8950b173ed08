"""The case for a new community: validation only (the service checks again)."""

from django import forms

from copse.communities.models import Community


class CommunityProposalForm(forms.Form):
    name = forms.CharField(
        max_length=120, error_messages={"required": "Give the community a name."}
    )
    slug = forms.SlugField(
        label="Address",
        max_length=60,
        help_text="The community's address: /c/<this>/. Lowercase letters, digits and hyphens.",
        error_messages={
            "required": "Choose its address: letters, digits and hyphens.",
            "invalid": "Use lowercase letters, digits and hyphens only.",
        },
    )
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="What the members would learn and do together.",
        error_messages={"required": "Say what the community is for."},
    )
    domain = forms.CharField(
        max_length=200,
        help_text="The shared concern or field, e.g. research administration.",
        error_messages={"required": "Name its domain."},
    )
    audience = forms.CharField(
        label="Who it is for",
        max_length=300,
        error_messages={"required": "Say who it is for."},
    )
    eligibility = forms.CharField(
        max_length=200, required=False, help_text='Who may join, e.g. "director-level IT".'
    )
    kind = forms.ChoiceField(
        label="Members come from",
        choices=Community.Kind.choices,
        widget=forms.RadioSelect,
        initial=Community.Kind.CROSS_ORGANISATION,
    )
    visibility = forms.ChoiceField(
        label="Who can see it",
        choices=Community.Visibility.choices,
        widget=forms.RadioSelect,
        initial=Community.Visibility.MEMBERS,
    )
    case = forms.CharField(
        label="The case for it",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text="Why this community, why now, what it would change. Markdown works.",
        error_messages={"required": "Make the case for it."},
    )
    sponsor_name = forms.CharField(
        label="Sponsor's name",
        max_length=120,
        help_text="A person who supports it: a manager, a dean, a chief executive.",
        error_messages={"required": "Name your sponsor."},
    )
    sponsor_role = forms.CharField(label="Sponsor's role", max_length=200, required=False)
    sponsor_email = forms.EmailField(
        label="Sponsor's address",
        required=False,
        help_text="Optional. Only the site administrators see it.",
        error_messages={"invalid": "Enter an address like name@example.org, or leave it empty."},
    )


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        label="Note to the proposer",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to decline; welcome when approving.",
    )
