from django import forms


class NormsForm(forms.Form):
    body = forms.CharField(
        label="Norms (Markdown)",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Ground rules the members agreed. One rule per line or paragraph works well.",
    )
    change_note = forms.CharField(
        label="What changed and why",
        required=False,
        max_length=300,
        help_text="Members read this when they are asked to accept the new version.",
    )
