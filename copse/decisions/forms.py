import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from copse.decisions.models import Position, Proposal


class ProposalForm(forms.Form):
    """A new proposal. The fields of what it changes show for its kind."""

    kind = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[(k, label) for k, label in Proposal.Kind.choices if k != Proposal.Kind.ADMISSION],
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_('What is to be decided, e.g. "Meet quarterly in person, monthly online".'),
        error_messages={"required": _("Give the proposal a title: what is to be decided.")},
    )
    body = forms.CharField(
        label=_("The proposal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you propose and why. Markdown works."),
        error_messages={"required": _("Say what you propose and why.")},
    )
    rule = forms.ChoiceField(
        label=_("How we decide"),
        choices=Proposal.Rule.choices,
        widget=forms.RadioSelect,
        initial=Proposal.Rule.CONSENT,
        help_text=_("Making the community less private always goes by consent."),
    )
    deadline = forms.DateTimeField(
        label=_("Answers by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Enter a date and time, like 2026-12-14 17:00.")},
    )
    quorum = forms.BooleanField(
        label=_("Only valid if at least half the members answer"), required=False
    )
    norms_text = forms.CharField(
        label=_("The norms as they would read"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("For a norms change: the whole text, edited. The page shows what changed."),
    )
    new_purpose = forms.CharField(
        label=_("New purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_goals = forms.CharField(
        label=_("New goals"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    new_visibility = forms.ChoiceField(
        label=_("Who can see the community"),
        required=False,
        choices=[
            ("", _("Keep as it is")),
            ("open", pgettext_lazy("visibility", "Open")),
            ("members", pgettext_lazy("visibility", "Members")),
            ("confidential", pgettext_lazy("visibility", "Confidential")),
        ],
    )
    new_listed = forms.ChoiceField(
        label=_("Listed in the directory"),
        required=False,
        choices=[("", _("Keep as it is")), ("1", _("Listed")), ("0", _("Unlisted"))],
    )
    nominee = forms.ChoiceField(label=_("Nominate"), required=False, choices=[])

    def __init__(self, *args, nominees=(), time_zone="UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee"].choices = [("", gettext("Choose a member"))] + [
            (str(m.user_id), m.user.name) for m in nominees
        ]
        self._nominees = {str(m.user_id): m.user for m in nominees}
        try:
            self.zone = ZoneInfo(time_zone or "UTC")
        except (KeyError, ValueError):
            self.zone = ZoneInfo("UTC")
        self.fields["deadline"].help_text = gettext(
            "Your time (%(zone)s). At least a day from now."
        ) % {"zone": str(self.zone).replace("_", " ")}
        if not self.is_bound:
            local = timezone.now().astimezone(self.zone) + dt.timedelta(days=7)
            # Naive, so the field shows the wall time in the proposer's zone as is.
            self.initial.setdefault("deadline", local.replace(second=0, microsecond=0, tzinfo=None))

    def clean_deadline(self):
        # The field read the typed wall time in the server's zone; it was
        # typed in the proposer's.
        typed = self.cleaned_data["deadline"]
        wall = timezone.localtime(typed).replace(tzinfo=None)
        return wall.replace(tzinfo=self.zone)

    COMMON = ("kind", "title", "body", "rule", "deadline", "quorum")
    # Each kind's own fields, under a heading, so the form reads whole without
    # JavaScript; proposal_kind.js hides the parts the chosen kind does not use.
    PARTS = (
        ("norms", _("For a norms change: the new text"), ("norms_text",)),
        ("goals", _("For a change of goals or purpose"), ("new_purpose", "new_goals")),
        (
            "visibility",
            _("For a change of who can see the community"),
            ("new_visibility", "new_listed"),
        ),
        ("facilitator", _("For a facilitator nomination"), ("nominee",)),
    )

    @property
    def common_fields(self):
        return [self[name] for name in self.COMMON]

    @property
    def kind_parts(self):
        return [
            {"kind": kind, "legend": legend, "fields": [self[name] for name in names]}
            for kind, legend, names in self.PARTS
        ]

    @property
    def has_nominees(self) -> bool:
        return bool(self._nominees)

    def change(self) -> dict:
        data = self.cleaned_data
        listed = {"1": True, "0": False}.get(data.get("new_listed") or "")
        return {
            "norms_text": data.get("norms_text", ""),
            "new_purpose": data.get("new_purpose", ""),
            "new_goals": data.get("new_goals", ""),
            "new_visibility": data.get("new_visibility", ""),
            "new_listed": listed,
            "nominee": self._nominees.get(data.get("nominee") or ""),
        }


class PositionForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("Your position"),
        choices=Position.Stance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose agree, abstain, disagree or block.")},
    )
    reason = forms.CharField(
        label=_("Your reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for a block. Welcome for anything else."),
    )


class ReviseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("The proposal"), widget=forms.Textarea(attrs={"rows": 8}))
    norms_text = forms.CharField(
        label=_("The norms as they would read"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    note = forms.CharField(
        label=_("What you changed"),
        max_length=300,
        help_text=_("Those who answered are shown this note."),
        error_messages={
            "required": _("Say what you changed, so those who answered can look again.")
        },
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your answer first.")},
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was decided and why"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Every member reads this, in the app and by mail. Markdown works."),
        error_messages={"required": _("Write what was decided and why.")},
    )
    review_on = forms.DateField(
        label=_("Review on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional. On this date the decision comes back to the topics backlog."),
        error_messages={"invalid": _("Enter a date, like 2027-06-01.")},
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("pass", _("It passes")), ("fail", _("It does not pass"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether it passes.")},
    )
    outcome = OutcomeForm.base_fields["outcome"]
