"""Forms of date polls: validation only. Wall-clock times are placed in their
zone by `polls.local_to_utc`, which the service calls again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.accounts.models import time_zone_choices
from copse.decisions import polls
from copse.decisions.models import DatePoll
from copse.decisions.titles import MAX_TITLE
from copse.meetings import recurrence
from copse.meetings.models import Format

# Rows of times the form offers; without JavaScript all of them show, and
# empty ones are left out.
TIME_ROWS = 6
ISO_DATE = "%Y-%m-%d"


class PollForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE,
        help_text=_('What the meeting is for, e.g. "Side meeting: contract renewals".'),
        error_messages={"required": _("Give the poll a title: what the meeting is for.")},
    )
    purpose = forms.ChoiceField(
        label=_("The times are for"),
        choices=DatePoll.Purpose.choices,
        widget=forms.RadioSelect,
        initial=DatePoll.Purpose.MEETING,
        help_text=_(
            "Anyone may ask. A facilitator picks the time of a meeting of the community, "
            "a series or a move; you pick the time of a side meeting you propose."
        ),
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting to move"),
        queryset=None,
        required=False,
        empty_label=_("— only when moving a meeting —"),
    )
    cadence = forms.ChoiceField(
        label=_("A series repeats"),
        required=False,
        choices=[("", _("— only for a series —"))]
        + [(k, label) for k, (label, _rule) in recurrence.CADENCES.items()],
        help_text=_("On the same weekday and week of the month as the time chosen."),
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What it is about, where. Markdown works."),
    )
    time_zone = forms.ChoiceField(
        label=_("The times below are in"),
        choices=time_zone_choices,
        help_text=_("Your own zone unless you change it. Everyone sees the times in theirs."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=polls.MIN_MINUTES, max_value=polls.MAX_MINUTES
    )
    format = forms.ChoiceField(
        label=_("How people meet"),
        choices=Format.choices,
        initial=Format.ONLINE,
        help_text=_("A moved meeting keeps its own."),
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        from copse.meetings.models import Meeting

        self.fields["meeting"].queryset = (
            meetings if meetings is not None else Meeting.objects.none()
        )
        for n in range(1, TIME_ROWS + 1):
            self.fields[f"date_{n}"] = forms.DateField(
                label=gettext("Time %(n)s: date") % {"n": n},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
                error_messages={"invalid": _("Enter a date, like 2026-11-05.")},
            )
            self.fields[f"start_{n}"] = forms.TimeField(
                label=gettext("Time %(n)s: starts") % {"n": n},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                error_messages={"invalid": _("Enter a time, like 18:00.")},
            )

    def main_fields(self):
        """Every field but the rows of times, which the template lays out in pairs."""
        return [f for f in self.visible_fields() if not f.name.startswith(("date_", "start_"))]

    def time_fields(self):
        """(date field, time field) bound pairs, for the template."""
        return [(self[f"date_{n}"], self[f"start_{n}"]) for n in range(1, TIME_ROWS + 1)]

    def clean(self):
        data = super().clean()
        purpose = data.get("purpose")
        if purpose == DatePoll.Purpose.MOVE and not data.get("meeting"):
            self.add_error("meeting", gettext("Choose the meeting the new time is for."))
        if purpose == DatePoll.Purpose.SERIES and not data.get("cadence"):
            self.add_error("cadence", gettext("Say how often the series meets."))
        times = []
        zone = data.get("time_zone")
        for n in range(1, TIME_ROWS + 1):
            day, clock = data.get(f"date_{n}"), data.get(f"start_{n}")
            if f"date_{n}" in self.errors or f"start_{n}" in self.errors:
                continue
            if day and not clock:
                self.add_error(f"start_{n}", gettext("Give this date a start time."))
            elif clock and not day:
                self.add_error(f"date_{n}", gettext("Give this time a date."))
            elif day and clock:
                if zone:
                    try:
                        polls.local_to_utc(day, clock, zone)
                    except polls.PollError as error:
                        self.add_error(f"start_{n}", error.message)
                        continue
                times.append((day, clock))
        if not self.errors and len(times) < polls.MIN_OPTIONS:
            self.add_error(
                None,
                gettext("Propose at least %(count)s times, so people have a choice.")
                % {"count": polls.MIN_OPTIONS},
            )
        data["times"] = times
        return data
