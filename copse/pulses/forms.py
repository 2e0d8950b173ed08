"""The two forms of a trust pulse: scheduling one, and answering it."""

from __future__ import annotations

from django import forms

from copse.pulses.statements import (
    DEFAULT_OPEN_QUESTION,
    MINIMUM_RESPONDENTS,
    REPEAT_CHOICES,
    SCALE,
    STATEMENTS,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Enter a date, like 2026-03-14.", "required": "Enter a date."}


class ScheduleForm(forms.Form):
    opens_on = forms.DateField(
        label="Opens on", widget=DATE, error_messages=DATE_ERRORS, help_text="Today or later."
    )
    closes_on = forms.DateField(
        label="Closes at the end of",
        widget=DATE,
        error_messages=DATE_ERRORS,
        help_text="After it opens, and at most 60 days later. Two or three weeks suit most groups.",
    )
    open_question = forms.CharField(
        label="The open question",
        max_length=300,
        initial=DEFAULT_OPEN_QUESTION,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Answering it is optional. Its answers are shown in a random order.",
        error_messages={"required": "Write the open question people may answer."},
    )
    min_respondents = forms.IntegerField(
        label="Show results from this many answers",
        initial=MINIMUM_RESPONDENTS,
        min_value=MINIMUM_RESPONDENTS,
        max_value=1000,
        help_text=(
            f"Never fewer than {MINIMUM_RESPONDENTS}: below that, an answer could point to "
            "the person who gave it. If fewer answer, no results are shown."
        ),
        error_messages={
            "min_value": (
                f"Results need at least {MINIMUM_RESPONDENTS} answers, so that no answer "
                f"points to anyone: set {MINIMUM_RESPONDENTS} or more."
            ),
            "required": f"Say from how many answers results show ({MINIMUM_RESPONDENTS} or more).",
        },
    )
    repeat_every_months = forms.TypedChoiceField(
        label="Repeat",
        choices=REPEAT_CHOICES,
        coerce=int,
        initial=3,
        help_text="When it closes, the next one is scheduled as far after this one opened.",
    )


class AnswerForm(forms.Form):
    """Five statements, each a group of five radio buttons, and the open
    question. Nothing of the person goes with it."""

    open_answer = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. Shown to members after the pulse closes, without your name, "
        "in a random order. Leave out what would tell who you are.",
    )

    def __init__(self, *args, open_question: str = DEFAULT_OPEN_QUESTION, **kwargs):
        super().__init__(*args, **kwargs)
        statements = {
            f"statement_{n}": forms.TypedChoiceField(
                label=f"{n}. {text}",
                choices=[(value, label) for value, label in SCALE],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose how far you agree with this statement."},
            )
            for n, text in enumerate(STATEMENTS, start=1)
        }
        # The statements first, the open question last.
        self.fields = {**statements, "open_answer": self.fields["open_answer"]}
        self.fields["open_answer"].label = open_question

    @property
    def statement_fields(self):
        return [self[name] for name in self.fields if name.startswith("statement_")]

    def scores(self) -> list[int]:
        return [self.cleaned_data[f"statement_{n}"] for n in range(1, len(STATEMENTS) + 1)]
