from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.departures.services import Content
from copse.memberships.services import successor_candidates


class DeleteAccountForm(forms.Form):
    """The choice about what one wrote, a successor for each community where
    one is the last facilitator, and the password (for an account that has
    one; one without, such as an account from an identity provider, has
    re-authenticated before the page opens)."""

    content = forms.ChoiceField(
        label=gettext_lazy("What you wrote"),
        choices=Content.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose whether to remove what you wrote or to keep it.")
        },
        help_text=gettext_lazy(
            "Removing: your posts become “Removed by the author.”, threads you opened keep "
            "others' replies under a neutral title, and your library items, value stories, "
            "reasons and comments go. Keeping: it all stays, and your name on it becomes "
            "“Former member”."
        ),
    )
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Type your password to confirm that it is you.")},
    )

    def __init__(self, *args, user, last_facilitated=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.seats = list(last_facilitated)
        if not user.has_usable_password():
            del self.fields["password"]
        for seat in self.seats:
            field = forms.ModelChoiceField(
                queryset=successor_candidates(seat.community),
                label=_("Who takes over %(community)s") % {"community": seat.community.name},
                empty_label=_("Choose a member"),
                help_text=_(
                    "They become facilitator as your account is deleted; the other "
                    "facilitators' announcements say so."
                ),
                error_messages={
                    "required": _("Choose who takes over as facilitator of %(community)s.")
                    % {"community": seat.community.name}
                },
            )
            field.label_from_instance = lambda m: m.user.name
            self.fields[self.successor_field(seat)] = field

    @staticmethod
    def successor_field(seat) -> str:
        return f"successor_{seat.community_id}"

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password. Nothing was deleted."))
        return password

    def successors(self) -> dict:
        return {
            seat.community_id: self.cleaned_data[self.successor_field(seat)] for seat in self.seats
        }
