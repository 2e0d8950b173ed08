from django import forms
from django.utils.translation import gettext_lazy as _

from copse.accounts.models import User


class GrantSponsorForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person"),
        help_text=_(
            "They must already have a Copse account. The role shows them the "
            "programme report: figures across communities, never content or names."
        ),
    )

    def clean_email(self):
        from copse.accounts.identity import normalize_email

        email = normalize_email(self.cleaned_data["email"])
        person = User.objects.filter(email=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(
                _(
                    "No one with this address has an active account. They sign up first; "
                    "then you can make them a sponsor."
                )
            )
        self.person = person
        return email


class RevokeSponsorForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.filter(is_sponsor=True)
    )
