from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from copse.audit.selectors import reason_readers
from copse.conversations.attachments import MAX_FILES
from copse.conversations.models import Tag, Thread
from copse.core import files as file_types


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachFilesField(forms.FileField):
    """Any number of chosen files, as a list. They are checked (kind, first
    bytes, size, how many) by `conversations.attachments`, not here, so the
    same rules hold for every way of posting."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attach files"))
        super().__init__(allow_empty_file=True, **kwargs)
        self.widget.attrs["accept"] = file_types.accept_attribute()

    def clean(self, data, initial=None):
        chosen = data if isinstance(data, list | tuple) else [data]
        return [file for file in chosen if file]

    def describe_limits(self) -> None:
        # Read when the form is made, so a changed limit shows at once.
        self.help_text = gettext(
            "Up to %(count)s files of at most %(size)s each: %(extensions)s."
        ) % {
            "count": MAX_FILES,
            "size": file_types.human_size(settings.COPSE_UPLOAD_MAX_BYTES),
            "extensions": file_types.allowed_extensions(),
        }


LIBRARY_HELP = _(
    "Shown under your post to everyone who may read the item; others see nothing of it. "
    "Items of this community, and items shared with the whole site."
)


class QuickSelect(forms.Select):
    """A select written in Python, not through the widget templates: the
    library choice lists up to 100 items, and rendering each option through
    the template engine cost the thread page a fifth of its time. The same
    HTML as Django's select: attributes, option groups, the chosen option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    flatatt(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html


def _offer_library_items(form, choices) -> None:
    """A "Link a library item" choice, when the person has items to link
    (`links`), placed before the files, which must come last."""
    if not choices:
        return
    form.fields["library_item"] = forms.TypedChoiceField(
        choices=[("", pgettext("no library item", "None")), *choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=QuickSelect,
        label=gettext("Link a library item"),
        help_text=LIBRARY_HELP,
        error_messages={"invalid_choice": gettext("Choose one of the library items listed.")},
    )
    form.order_fields([name for name in form.fields if name != "files"] + ["files"])


class ThreadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Thread.Kind.choices,
        initial=Thread.Kind.DISCUSSION,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_('For an ask, the question itself: "Who has switched telecom carriers?"'),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=50_000,
        help_text=_("Mention a member with @their-handle. Quote with > at the start of a line."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_(
            "Comma-separated: topics, vendors, products, technologies. E.g. telecom, AT&T."
        ),
    )
    # Last: a file over the size limit stops the upload where it begins, and
    # every field sent before it is still read (copse.core.uploads).
    files = AttachFilesField()

    def __init__(self, *args, may_announce: bool = False, library_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].describe_limits()
        _offer_library_items(self, library_choices)
        if not may_announce:
            self.fields["kind"].choices = [
                c for c in Thread.Kind.choices if c[0] != Thread.Kind.ANNOUNCEMENT
            ]

    def tag_names(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=50_000,
        error_messages={"required": _("Please write something first.")},
    )
    files = AttachFilesField()

    def __init__(self, *args, library_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].describe_limits()
        _offer_library_items(self, library_choices)


class EditPostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 10}), max_length=50_000
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = gettext(
            "Required when you remove someone else's post. Everyone who can read the "
            "thread sees it in the post's place; the audit log shows it to %(readers)s."
        ) % {"readers": reason_readers(community)}


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("What I learned"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Written for your board or your team: the options, what peers did, what it saved."
        ),
    )


class MoveForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("Move to"))

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class CatalogueEntryForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=60, help_text=_("A vendor, product or technology, e.g. AT&T.")
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in Tag.Kind.choices if c[0] != Tag.Kind.TOPIC],
        initial=Tag.Kind.VENDOR,
    )
