from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from copse.member_imports.parsing import COLUMN_LIST, MAX_ROWS


class UploadForm(forms.Form):
    # The file field comes last, so the size limit (core.uploads) still
    # lets the fields before it be read.
    file = forms.FileField(
        label=_("The list (a CSV file)"),
        help_text=format_lazy(
            _(
                "A first line naming the columns, {columns} (only email is required), then "
                "one person a line; at most {most} people. From a spreadsheet, save as "
                "“CSV UTF-8”. Nothing is sent until you have seen the list and confirmed it."
            ),
            columns=COLUMN_LIST,
            most=MAX_ROWS,
        ),
        error_messages={"required": _("Choose the CSV file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ConfirmForm(forms.Form):
    message = forms.CharField(
        label=_("A personal message with every invitation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional. Each person gets the same invitation mail as from the invitation "
            "form, with this message."
        ),
    )
