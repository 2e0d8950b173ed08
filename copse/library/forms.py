from django import forms

from copse.library.models import LibraryItem


class ItemForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[c for c in LibraryItem.Kind.choices if c[0] != LibraryItem.Kind.MEETING_RECORD]
    )
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    topic_areas = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Topic areas"
    )
    file = forms.FileField(required=False)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=100_000,
        label="Text (Markdown)",
    )
    link_url = forms.URLField(
        required=False, max_length=1000, label="Address (for a link)", assume_scheme="https"
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic_areas"].choices = [(a, a) for a in community.topic_areas or []]
