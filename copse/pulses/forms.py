"""The two forms of a trust pulse: scheduling one, and answering it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.pulses.statements import (
    DEFAULT_OPEN_QUESTION,
    DEFAULT_OPEN_QUESTION_SHOWN,
    MINIMUM_RESPONDENTS,
    REPEAT_CHOICES,
    SCALE,
    STATEMENTS,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter a date, like 2026-03-14."), "required": _("Enter a date.")}


class ScheduleForm(forms.Form):
    opens_on = forms.DateField(
        label=_("Opens on"),
        widget=DATE,
        error_messages=DATE_ERRORS,
        help_text=_("Today or later."),
    )
    closes_on = forms.DateField(
        label=_("Closes at the end of"),
        widget=DATE,
        error_messages=DATE_ERRORS,
        help_text=_(
            "After it opens, and at most 60 days later. Two or three weeks suit most groups."
        ),
    )
    open_question = forms.CharField(
        label=_("The open question"),
        max_length=300,
        initial=DEFAULT_OPEN_QUESTION_SHOWN,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Answering it is optional. Its answers are shown in a random order."),
        error_messages={"required": _("Write the open question people may answer.")},
    )
    min_respondents = forms.IntegerField(
        label=_("Show results from this many answers"),
        initial=MINIMUM_RESPONDENTS,
        min_value=MINIMUM_RESPONDENTS,
        max_value=1000,
    )
    repeat_every_months = forms.TypedChoiceField(
        label=_("Repeat"),
        choices=REPEAT_CHOICES,
        coerce=int,
        initial=3,
        help_text=_("When it closes, the next one is scheduled as far after this one opened."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        minimum = {"minimum": MINIMUM_RESPONDENTS}
        field = self.fields["min_respondents"]
        field.help_text = (
            gettext(
                "Never fewer than %(minimum)d: below that, an answer could point to "
                "the person who gave it. If fewer answer, no results are shown."
            )
            % minimum
        )
        field.error_messages["min_value"] = (
            gettext(
                "Results need at least %(minimum)d answers, so that no answer "
                "points to anyone: set %(minimum)d or more."
            )
            % minimum
        )
        field.error_messages["required"] = (
            gettext("Say from how many answers results show (%(minimum)d or more).") % minimum
        )

    def clean_open_question(self):
        """The suggested question, left as it was, is kept as the default one,
        so that each reader reads it in their own language."""
        question = self.cleaned_data["open_question"]
        if " ".join(question.split()) == " ".join(str(DEFAULT_OPEN_QUESTION_SHOWN).split()):
            return DEFAULT_OPEN_QUESTION
        return question


class AnswerForm(forms.Form):
    """Five statements, each a group of five radio buttons, and the open
    question. Nothing of the person goes with it."""

    open_answer = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional. Shown to members after the pulse closes, without your name, "
            "in a random order. Leave out what would tell who you are."
        ),
    )

    def __init__(self, *args, open_question: str = DEFAULT_OPEN_QUESTION_SHOWN, **kwargs):
        super().__init__(*args, **kwargs)
        statements = {
            f"statement_{n}": forms.TypedChoiceField(
                label=f"{n}. {text}",
                choices=[(value, label) for value, label in SCALE],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose how far you agree with this statement.")},
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
