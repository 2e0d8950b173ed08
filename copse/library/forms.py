"""Forms of the library: validation only; the services decide the rest."""

from decimal import Decimal

from django import forms

from copse.library.models import LibraryItem

TAGS_HELP = (
    "Comma-separated: this community's topics and the site's vendors, products and "
    "technologies. E.g. speakers, Zoom."
)


def tag_names(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


class TagsField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("help_text", TAGS_HELP)
        super().__init__(**kwargs)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[c for c in LibraryItem.Kind.choices if c[0] != LibraryItem.Kind.MEETING_RECORD],
        help_text=(
            "A document is an uploaded file; a page is written here. Templates, SOPs and "
            "presentations may be either. A link points elsewhere."
        ),
    )
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    topic_areas = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Topic areas"
    )
    tags = TagsField()
    file = forms.FileField(
        required=False, help_text="For a document, template, SOP or presentation."
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=100_000,
        label="Text (Markdown)",
        help_text="For a page, or a template or SOP written here.",
    )
    link_url = forms.URLField(
        required=False, max_length=1000, label="Address (for a link)", assume_scheme="https"
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic_areas"].choices = [(a, a) for a in community.topic_areas or []]


class DetailsForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    topic_areas = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Topic areas"
    )
    tags = TagsField()
    link_url = forms.URLField(
        required=False, max_length=1000, label="Address", assume_scheme="https"
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic_areas"].choices = [(a, a) for a in item.community.topic_areas or []]
        if item.kind != LibraryItem.Kind.LINK:
            del self.fields["link_url"]
        else:
            self.fields["link_url"].required = True


class VersionForm(forms.Form):
    file = forms.FileField(required=False, label="Upload a new file")
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        max_length=100_000,
        label="Text (Markdown)",
        strip=False,
    )
    change_note = forms.CharField(
        max_length=300,
        label="What changed",
        help_text="A few words for the versions list, e.g. “Added the honoraria form”.",
        error_messages={"required": "Say in a few words what changed."},
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        from copse.library.models import FILE_KINDS, WRITTEN_KINDS

        if item.kind not in FILE_KINDS:
            del self.fields["file"]
        if item.kind not in WRITTEN_KINDS:
            del self.fields["body"]


class ShareForm(forms.Form):
    sharing = forms.ChoiceField(
        choices=LibraryItem.Sharing.choices,
        widget=forms.RadioSelect,
        label="Who can read it",
    )


class AdaptForm(forms.Form):
    community = forms.TypedChoiceField(
        coerce=int, label="Into which community", help_text="One of yours where you can add."
    )
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text="Say what you changed, so others can choose between the versions.",
    )
    tags = TagsField()

    def __init__(self, *args, destinations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.pk, c.name) for c in destinations]


class ReuseForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        label="How you re-used it",
        help_text="E.g. “Used it for our spring speaker series; saved writing one from scratch.”",
        error_messages={"required": "Say in a line or two how you re-used it."},
    )
    hours_saved = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("9999.9"),
        max_digits=5,
        decimal_places=1,
        label="Hours it saved (if you know)",
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
    )
