from django import forms
from django.utils.translation import gettext_lazy as _


class NormsForm(forms.Form):
    body = forms.CharField(
        label=_("Norms (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Ground rules the members agreed. One rule per line or paragraph works well."),
    )
    change_note = forms.CharField(
        label=_("What changed and why"),
        required=False,
        max_length=300,
        help_text=_("Members read this when they are asked to accept the new version."),
    )
