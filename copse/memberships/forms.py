from django import forms

from copse.audit.selectors import reason_readers
from copse.memberships.models import Membership


class AcceptNormsForm(forms.Form):
    """Joining requires accepting the norms version the person was shown."""

    norms_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    accept = forms.BooleanField(
        label="I have read these norms and agree to keep them",
        error_messages={"required": "Please accept the norms to join."},
    )

    def __init__(self, *args, norms_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not norms_required:
            self.fields["accept"].required = False
            self.fields["accept"].widget = forms.HiddenInput()


class JoinRequestForm(forms.Form):
    note = forms.CharField(
        label="A note for the facilitators",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who you are and why you would like to join. Facilitators read this.",
    )

    def __init__(self, *args, members_decide: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if members_decide:
            note = self.fields["note"]
            note.label = "A note for the members"
            note.help_text = (
                "Who you are and why you would like to join. The members read this when "
                "they decide together whether to admit you."
            )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(
        choices=[
            (Membership.Role.MEMBER, "Member"),
            (Membership.Role.FACILITATOR, "Facilitator"),
            (Membership.Role.GUEST_PRESENTER, "Guest presenter"),
        ],
        initial=Membership.Role.MEMBER,
    )
    message = forms.CharField(
        label="A personal message",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RemovalForm(forms.Form):
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = (
            "The member is told this reason. The members page and the audit log "
            f"show it to {reason_readers(community)}."
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    note = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=[
            (Membership.Role.MEMBER, "Member"),
            (Membership.Role.FACILITATOR, "Facilitator"),
            (Membership.Role.GUEST_PRESENTER, "Guest presenter"),
        ]
    )


class DelegateForm(forms.Form):
    email = forms.EmailField(
        label="Delegate's email address",
        help_text="They are invited by mail and read once they accept, signing up if need be.",
    )
    # An address rather than a list of every member: a select of a thousand
    # names is slow to render and slower to use.
    principal = forms.EmailField(
        label="On behalf of",
        help_text="The email address of the member who stepped back.",
    )

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community

    def clean_principal(self):
        from copse.accounts.identity import normalize_email

        membership = (
            Membership.objects.filter(
                community=self.community,
                status__in=Membership.SEATED,
                role__in=["member", "facilitator"],
                user__email=normalize_email(self.cleaned_data["principal"]),
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            raise forms.ValidationError("No member of this community has that address.")
        return membership


class LeaveForm(forms.Form):
    """Leaving; the last facilitator also names who takes over."""

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["successor"] = forms.ModelChoiceField(
                queryset=candidates,
                label="Hand over to",
                empty_label="Choose a member",
                help_text="They become facilitator as you leave, and the other members' "
                "facilitators are told.",
                error_messages={"required": "Choose who takes over as facilitator."},
            )
            self.fields["successor"].label_from_instance = lambda m: (
                f"{m.user.name} <{m.user.email}>"
            )
