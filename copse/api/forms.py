from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from copse.api.models import Scope
from copse.api.services import LIFETIMES_DAYS

SCOPE_HELP = {
    Scope.READ: _("Read what you can read in Copse"),
    Scope.WRITE: _("Post, reply, answer and vote as you"),
    Scope.ADMIN: _("Site administration (site admins only)"),
}


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, such as “Weekly report script”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A token can do only what its scopes allow, and never more than you can."),
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[
            (days, ngettext_lazy("%(days)d day", "%(days)d days", "days") % {"days": days})
            for days in LIFETIMES_DAYS
        ],
        initial=90,
    )

    def __init__(self, *args, allowed_scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(scope, SCOPE_HELP[scope]) for scope in allowed_scopes]
        self.fields["scopes"].initial = [Scope.READ]
