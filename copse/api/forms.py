from django import forms

from copse.api.models import Scope
from copse.api.services import LIFETIMES_DAYS

SCOPE_HELP = {
    Scope.READ: "Read what you can read in Copse",
    Scope.WRITE: "Post, reply, answer and vote as you",
    Scope.ADMIN: "Site administration (site admins only)",
}


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        help_text="What the token is for, such as “Weekly report script”.",
    )
    scopes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="A token can do only what its scopes allow, and never more than you can.",
    )
    lifetime_days = forms.TypedChoiceField(
        label="Expires after",
        coerce=int,
        choices=[(days, f"{days} days") for days in LIFETIMES_DAYS],
        initial=90,
    )

    def __init__(self, *args, allowed_scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(scope, SCOPE_HELP[scope]) for scope in allowed_scopes]
        self.fields["scopes"].initial = [Scope.READ]
