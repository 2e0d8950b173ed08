from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from copse.audit.selectors import reason_readers
from copse.memberships.models import Membership


class AcceptNormsForm(forms.Form):
    """Joining requires accepting the norms version the person was shown."""

    norms_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    accept = forms.BooleanField(
        label=_("I have read these norms and agree to keep them"),
        error_messages={"required": _("Please accept the norms to join.")},
    )

    def __init__(self, *args, norms_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not norms_required:
            self.fields["accept"].required = False
            self.fields["accept"].widget = forms.HiddenInput()


class JoinRequestForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the facilitators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are and why you would like to join. Facilitators read this."),
    )

    def __init__(self, *args, members_decide: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if members_decide:
            note = self.fields["note"]
            note.label = _("A note for the members")
            note.help_text = _(
                "Who you are and why you would like to join. The members read this when "
                "they decide together whether to admit you."
            )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        choices=[
            (Membership.Role.MEMBER, _("Member")),
            (Membership.Role.FACILITATOR, _("Facilitator")),
            (Membership.Role.GUEST_PRESENTER, _("Guest presenter")),
        ],
        label=_("Role"),
        initial=Membership.Role.MEMBER,
    )
    message = forms.CharField(
        label=_("A personal message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RemovalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = gettext(
            "The member is told this reason. The members page and the audit log "
            "show it to %(readers)s."
        ) % {"readers": reason_readers(community)}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))]
    )
    note = forms.CharField(
        label=pgettext_lazy("to the person who asked to join", "Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=[
            (Membership.Role.MEMBER, _("Member")),
            (Membership.Role.FACILITATOR, _("Facilitator")),
            (Membership.Role.GUEST_PRESENTER, _("Guest presenter")),
        ],
        label=_("Role"),
    )


class DelegateForm(forms.Form):
    email = forms.EmailField(
        label=_("Delegate's email address"),
        help_text=_("They are invited by mail and read once they accept, signing up if need be."),
    )
    # An address rather than a list of every member: a select of a thousand
    # names is slow to render and slower to use.
    principal = forms.EmailField(
        label=_("On behalf of"),
        help_text=_("The email address of the member who stepped back."),
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
            raise forms.ValidationError(gettext("No member of this community has that address."))
        return membership


class LeaveForm(forms.Form):
    """Leaving; the last facilitator also names who takes over."""

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["successor"] = forms.ModelChoiceField(
                queryset=candidates,
                label=_("Hand over to"),
                empty_label=_("Choose a member"),
                help_text=_(
                    "They become facilitator as you leave, and the other members' "
                    "facilitators are told."
                ),
                error_messages={"required": _("Choose who takes over as facilitator.")},
            )
            self.fields["successor"].label_from_instance = lambda m: (
                f"{m.user.name} <{m.user.email}>"
            )
