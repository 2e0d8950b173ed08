from django import forms

from copse.organisations.models import Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "parent_institution"]
        help_texts = {
            "parent_institution": "For a department or unit: the institution it belongs to."
        }
