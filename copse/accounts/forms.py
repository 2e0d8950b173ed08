from django import forms

from copse.accounts.identity import display_name_skeleton
from copse.accounts.models import User, time_zone_choices
from copse.core.names import validate_header_name


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="Meeting times are shown in this zone."
    )

    class Meta:
        model = User
        fields = ["display_name", "job_title", "organisation", "time_zone", "bio"]
        labels = {"display_name": "Your name"}
        help_texts = {
            "display_name": "How peers see you, e.g. Maria Lopez.",
            "bio": "A few lines in Markdown: your role, what you know about, what you want to learn.",
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def clean_display_name(self):
        # Checked before spaces are tidied, which would hide a line break.
        validate_header_name(self.cleaned_data["display_name"])
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Please give the name your peers know you by.")
        key = display_name_skeleton(name)
        clash = User.objects.filter(display_name_key=key).exclude(pk=self.instance.pk).first()
        if clash is not None:
            raise forms.ValidationError(
                "Someone here already has this name or one that looks the same. "
                "Add a middle initial or your organisation to tell you apart."
            )
        return name
