"""Forms of the library: validation only; the services decide the rest."""

import re
from decimal import Decimal
from pathlib import PurePosixPath

from django import forms
from django.utils.translation import gettext_lazy as _

from copse.library.models import LibraryItem

TAGS_HELP = _(
    "Comma-separated: this community's topics and the site's vendors, products and "
    "technologies. E.g. speakers, Zoom."
)


def tag_names(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


class TagsField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Tags"))
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("help_text", TAGS_HELP)
        super().__init__(**kwargs)


class ItemForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[c for c in LibraryItem.Kind.choices if c[0] != LibraryItem.Kind.MEETING_RECORD],
        label=_("Kind"),
        help_text=_(
            "A document is an uploaded file; a page is written here. Templates, SOPs and "
            "presentations may be either. A link points elsewhere."
        ),
    )
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    topic_areas = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Topic areas")
    )
    tags = TagsField()
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=100_000,
        label=_("Text (Markdown)"),
        help_text=_("For a page, or a template or SOP written here."),
    )
    link_url = forms.URLField(
        required=False, max_length=1000, label=_("Address (for a link)"), assume_scheme="https"
    )
    # Last: a file over the size limit stops the upload where it begins, and
    # every field sent before it is still read (copse.core.uploads).
    file = forms.FileField(
        required=False,
        label=_("File"),
        help_text=_("For a document, template, SOP or presentation."),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic_areas"].choices = [(a, a) for a in community.topic_areas or []]


class DetailsForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    topic_areas = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Topic areas")
    )
    tags = TagsField()
    link_url = forms.URLField(
        required=False, max_length=1000, label=_("Address"), assume_scheme="https"
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic_areas"].choices = [(a, a) for a in item.community.topic_areas or []]
        if item.kind != LibraryItem.Kind.LINK:
            del self.fields["link_url"]
        else:
            self.fields["link_url"].required = True


class VersionForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        max_length=100_000,
        label=_("Text (Markdown)"),
        strip=False,
    )
    change_note = forms.CharField(
        max_length=300,
        label=_("What changed"),
        help_text=_("A few words for the versions list, e.g. “Added the honoraria form”."),
        error_messages={"required": _("Say in a few words what changed.")},
    )
    # Last, as in ItemForm.
    file = forms.FileField(required=False, label=_("Upload a new file"))

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
        label=_("Who can read it"),
    )


class AdaptForm(forms.Form):
    community = forms.TypedChoiceField(
        coerce=int,
        label=_("Into which community"),
        help_text=_("One of yours where you can add."),
    )
    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("Say what you changed, so others can choose between the versions."),
    )
    tags = TagsField()

    def __init__(self, *args, destinations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.pk, c.name) for c in destinations]


class ReuseForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        label=_("How you re-used it"),
        help_text=_(
            "E.g. “Used it for our spring speaker series; saved writing one from scratch.”"
        ),
        error_messages={"required": _("Say in a line or two how you re-used it.")},
    )
    hours_saved = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("9999.9"),
        max_digits=5,
        decimal_places=1,
        label=_("Hours it saved (if you know)"),
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
    )


class SaveAttachmentForm(forms.Form):
    """ "Save to library" on a post's file: what it is, and where it belongs."""

    title = forms.CharField(max_length=200, label=_("Title"))
    kind = forms.ChoiceField(
        choices=[
            (kind, label)
            for kind, label in LibraryItem.Kind.choices
            if kind in ("document", "template", "sop", "presentation")
        ],
        initial=LibraryItem.Kind.DOCUMENT,
        widget=forms.RadioSelect,
        label=_("What it is"),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("What it is for, so others can find it and tell it apart."),
    )
    topic_areas = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Topic areas")
    )
    tags = TagsField()

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        areas = community.topic_areas or []
        if areas:
            self.fields["topic_areas"].choices = [(a, a) for a in areas]
        else:
            del self.fields["topic_areas"]


def title_from_file_name(name: str) -> str:
    """A first guess at a title: "telecom-audit_checklist.csv" gives
    "Telecom audit checklist"."""
    stem = PurePosixPath(name or "").stem
    words = " ".join(re.sub(r"[-_.]+", " ", stem).split())
    return (words[:1].upper() + words[1:])[:200]
