from django import forms

from copse.member_imports.parsing import COLUMN_LIST, MAX_ROWS


class UploadForm(forms.Form):
    # The file field comes last, so the size limit (core.uploads) still
    # lets the fields before it be read.
    file = forms.FileField(
        label="The list (a CSV file)",
        help_text=(
            f"A first line naming the columns, {COLUMN_LIST} (only email is required), then "
            f"one person a line; at most {MAX_ROWS} people. From a spreadsheet, save as "
            "“CSV UTF-8”. Nothing is sent until you have seen the list and confirmed it."
        ),
        error_messages={"required": "Choose the CSV file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ConfirmForm(forms.Form):
    message = forms.CharField(
        label="A personal message with every invitation",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. Each person gets the same invitation mail as from the invitation "
        "form, with this message.",
    )
