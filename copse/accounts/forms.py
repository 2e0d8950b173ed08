from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from copse.accounts.identity import display_name_skeleton
from copse.accounts.models import User, time_zone_choices
from copse.core.names import validate_header_name


def language_choices() -> list[tuple[str, str]]:
    # Each language is named in itself, so a person who cannot read the
    # current one still finds their own.
    return [("", _("As my browser says")), *settings.LANGUAGES]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Meeting times are shown in this zone."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=language_choices,
        required=False,
        help_text=_(
            "Pages and mail to you in this language. As your browser says: pages follow "
            "your browser, mail is in English."
        ),
    )

    class Meta:
        model = User
        fields = ["display_name", "job_title", "time_zone", "language", "bio"]
        labels = {
            "display_name": _("Your name"),
            "job_title": _("Job title"),
            "bio": _("Short bio"),
        }
        help_texts = {
            "display_name": _("How peers see you, e.g. Maria Lopez."),
            "bio": _(
                "A few lines in Markdown: your role, what you know about, what you want to learn."
            ),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"], person=self.instance)


def clean_display_name(value: str, *, person=None) -> str:
    """The name peers will know someone by: one line, not empty, and not one
    that looks like another person's."""
    # Checked before spaces are tidied, which would hide a line break.
    validate_header_name(value)
    name = " ".join((value or "").split())
    if not name:
        raise forms.ValidationError(_("Please give the name your peers know you by."))
    key = display_name_skeleton(name)
    clash = User.objects.filter(display_name_key=key)
    if person is not None and person.pk is not None:
        clash = clash.exclude(pk=person.pk)
    if clash.exists():
        raise forms.ValidationError(
            _(
                "Someone here already has this name or one that looks the same. "
                "Add a middle initial or your organisation to tell you apart."
            )
        )
    return name


class SignupForm(AllauthSignupForm):
    """Signing up (through an invitation or not) asks for the name peers will
    see, so nobody is shown by their address."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        help_text=_("How peers see you, e.g. Maria Lopez."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please give the name your peers know you by.")},
    )
    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])


class OrganisationRequestForm(forms.Form):
    """Ask a site administrator to set your organisation. The list of
    organisations is never shown: the person types the name."""

    name = forms.CharField(
        label=_("Your organisation"),
        max_length=120,
        help_text=_(
            "Its name as your colleagues write it, e.g. Contoso or Department of Chemistry."
        ),
    )
    note = forms.CharField(
        label=_("Anything that helps a site administrator check it"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only site administrators read this."),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Type the name of your organisation."))
        return name
