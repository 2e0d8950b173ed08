from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from copse.accounts.forms import clean_display_name


class SignupForm(AllauthSocialSignupForm):
    """Shown after a first sign-in through a provider only when Copse cannot
    take the name (or the address) it gave: the person says how peers know
    them, as on the ordinary sign-up form."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        help_text=_("How peers see you, e.g. Maria Lopez."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please give the name your peers know you by.")},
    )
    field_order = ["display_name", "email"]

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])
