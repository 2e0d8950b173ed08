"""Meeting forms. Times are typed as a local date and clock time in the
meeting's time zone and turned into aware datetimes here."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from copse.accounts.models import time_zone_choices
from copse.audit.selectors import reason_readers
from copse.meetings import recurrence
from copse.meetings.models import Format, Meeting, PresentationFeedback, Rsvp


def local_to_aware(day: dt.date, clock: dt.time, zone_name: str) -> dt.datetime:
    """Place a wall-clock time in a zone; refuse a time the clocks skip."""
    zone = ZoneInfo(zone_name)
    naive = dt.datetime.combine(day, clock)
    aware = naive.replace(tzinfo=zone)
    # A skipped time (spring forward) does not survive a round trip through UTC.
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise forms.ValidationError(
            gettext(
                "%(time)s on %(day)s does not exist in %(zone)s: the clocks change that "
                "night. Choose another time."
            )
            % {
                "time": f"{clock:%H:%M}",
                "day": formats.date_format(day, "j F Y"),
                "zone": zone_name,
            }
        )
    return aware


# A date input reads and writes yyyy-mm-dd whatever the site's language; the
# locale's dd/mm/yyyy would leave the browser's date picker empty.
ISO_DATE = "%Y-%m-%d"


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Meeting.Kind.choices, initial=Meeting.Kind.REGULAR
    )
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)
    )
    start_time = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(
        label=_("Ends"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("An end before the start means the next day."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="UTC")
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    description = forms.CharField(
        label=_("Description (Markdown)"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    host_organisation = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Host organisation"),
        empty_label=_("— no host yet —"),
    )
    host_contact = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Host contact"),
        empty_label=_("— nobody —"),
        help_text=_("The member who arranges the day at the host; sees dietary needs."),
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown only to members and the meeting's presenters."),
    )
    web_link = forms.URLField(
        label=_("Web-conference link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Shown only to members and the meeting's presenters."),
    )
    dinner_venue = forms.CharField(label=_("Dinner venue"), required=False, max_length=300)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        max_value=10_000,
        help_text=_("Empty for no limit."),
    )
    rsvp_deadline = forms.DateField(
        label=_("Answer by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
        help_text=_("New yeses close at the end of this day; anyone can still say no."),
    )

    def __init__(
        self,
        *args,
        organisations=None,
        members=None,
        may_schedule=True,
        suggestion=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        from copse.accounts.models import User
        from copse.organisations.models import Organisation

        self.fields["host_contact"].queryset = (
            members if members is not None else User.objects.none()
        )
        host = self.fields["host_organisation"]
        host.queryset = organisations if organisations is not None else Organisation.objects.none()
        if suggestion is not None:
            # The rotation's suggestion is named in its option and in the help,
            # so a pre-selected host is never a silent choice.
            host.label_from_instance = lambda organisation: (
                gettext("%(name)s (suggested next)") % {"name": organisation.name}
                if organisation.pk == suggestion.pk
                else organisation.name
            )
            host.help_text = gettext(
                "The rotation suggests %(name)s: it never hosted, or hosted least "
                "recently. Choose another organisation, or no host yet."
            ) % {"name": suggestion.name}
        if not may_schedule:
            # Members organise side meetings only.
            self.fields["kind"].choices = [(Meeting.Kind.SIDE, Meeting.Kind.SIDE.label)]
            self.fields["kind"].initial = Meeting.Kind.SIDE

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        zone = data["time_zone"]
        starts = local_to_aware(data["date"], data["start_time"], zone)
        end_day = data["date"]
        if data["end_time"] <= data["start_time"]:
            end_day += dt.timedelta(days=1)
        ends = local_to_aware(end_day, data["end_time"], zone)
        data["starts_at"], data["ends_at"] = starts, ends
        deadline = data.get("rsvp_deadline")
        data["rsvp_deadline_at"] = (
            local_to_aware(deadline, dt.time(23, 59), zone) if deadline else None
        )
        if data["rsvp_deadline_at"] and data["rsvp_deadline_at"] > starts:
            self.add_error("rsvp_deadline", _("The answer-by date must be before the meeting."))
        return data

    def meeting_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"].strip(),
            "description": d["description"],
            "starts_at": d["starts_at"],
            "ends_at": d["ends_at"],
            "time_zone": d["time_zone"],
            "format": d["format"],
            "host_organisation": d["host_organisation"],
            "host_contact": d["host_contact"],
            "address": d["address"].strip(),
            "web_link": d["web_link"],
            "dinner_venue": d["dinner_venue"].strip(),
            "rsvp_deadline": d["rsvp_deadline_at"],
        }

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        zone = ZoneInfo(meeting.time_zone)
        start = meeting.starts_at.astimezone(zone)
        end = meeting.ends_at.astimezone(zone)
        return {
            "title": meeting.title,
            "kind": meeting.kind,
            "date": start.date(),
            "start_time": start.time().replace(second=0),
            "end_time": end.time().replace(second=0),
            "time_zone": meeting.time_zone,
            "format": meeting.format,
            "description": meeting.description,
            "host_organisation": meeting.host_organisation_id,
            "host_contact": meeting.host_contact_id,
            "address": meeting.address,
            "web_link": meeting.web_link,
            "dinner_venue": meeting.dinner_venue,
            "capacity": meeting.capacity,
            "rsvp_deadline": meeting.rsvp_deadline.astimezone(zone).date()
            if meeting.rsvp_deadline
            else None,
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = gettext(
            "Everyone who answered yes or maybe is told, and the meeting's page shows "
            "it to everyone who can see the meeting. The audit log shows it to "
            "%(readers)s."
        ) % {"readers": reason_readers(community)}


class SeriesForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("For example: Monthly meeting.")
    )
    cadence = forms.ChoiceField(
        label=_("Cadence"),
        choices=[(key, label) for key, (label, _months) in recurrence.CADENCES.items()],
    )
    nth = forms.TypedChoiceField(
        label=_("Which week"),
        coerce=int,
        choices=[(n, capfirst(label)) for n, label in recurrence.ORDINALS.items()],
    )
    weekday = forms.ChoiceField(
        label=_("Weekday"), choices=list(recurrence.WEEKDAYS.items()), initial="TH"
    )
    first_date = forms.DateField(
        label=_("Starting from"),
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )
    start_time = forms.TimeField(
        label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}), initial="13:00"
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=15, max_value=24 * 60, initial=240
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="UTC")
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    capacity = forms.IntegerField(
        label=_("Capacity"), required=False, min_value=1, max_value=10_000
    )


class AgendaItemForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=None,
        required=False,
        empty_label=_("— no topic from the backlog —"),
        help_text=_("Topics with the most votes come first."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the topic's title."),
    )
    presenter = forms.ModelChoiceField(
        label=_("Presenter"),
        queryset=None,
        required=False,
        empty_label=_("— nobody yet —"),
        help_text=_("Invite an outside presenter by email from the agenda."),
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=600, initial=30)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, topics=None, presenters=None, **kwargs):
        super().__init__(*args, **kwargs)
        from copse.accounts.models import User
        from copse.topics.models import Topic

        self.fields["topic"].queryset = topics if topics is not None else Topic.objects.none()
        self.fields["presenter"].queryset = (
            presenters if presenters is not None else User.objects.none()
        )

    def clean(self):
        data = super().clean()
        if not (data.get("title") or "").strip() and not data.get("topic"):
            self.add_error("title", _("Give the item a title or choose a topic."))
        return data


class AgendaItemEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=600)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PresenterInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        help_text=_(
            "A member becomes the presenter at once; anyone else gets an invitation "
            "as a guest presenter, who sees only this meeting's logistics and their own items."
        ),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        label=pgettext_lazy("an RSVP", "Answer"),
        choices=Rsvp.Answer.choices,
        widget=forms.RadioSelect,
    )
    dinner = forms.BooleanField(required=False, label=_("I will come to dinner"))
    dinner_note = forms.CharField(required=False, max_length=300, label=_("Note for dinner"))
    dietary_needs = forms.CharField(
        label=_("Dietary needs"),
        required=False,
        max_length=300,
        help_text=_("Seen only by the facilitators and the host."),
    )


class MaterialForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Slides, documents, spreadsheets, images or text; up to the size limit."),
    )
    agenda_item = forms.TypedChoiceField(
        label=_("Agenda item"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].choices = [("", _("The meeting as a whole"))] + [
            (item.pk, item.title) for item in items
        ]


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary (Markdown)"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "What was presented, what members learned, decisions. Members can comment "
            "on the draft; publishing makes it the meeting record."
        ),
    )


class SummaryRevisionForm(SummaryForm):
    """Correcting a published record: what changed is said for its readers."""

    change_note = forms.CharField(
        label=_("What you changed"),
        max_length=300,
        help_text=_(
            "For those who read it before, e.g. “Corrected the savings figure”. "
            "The earlier text stays in the library's versions."
        ),
        error_messages={"required": _("Say in a few words what you changed.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].label = _("Meeting record (Markdown)")
        self.fields["summary"].help_text = ""


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment (Markdown)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment first.")},
    )


class ActionItemForm(forms.Form):
    text = forms.CharField(max_length=300, label=_("Action"))
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("— nobody yet —")
    )
    due_on = forms.DateField(
        required=False,
        label=_("Due"),
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE),
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        from copse.accounts.models import User

        self.fields["owner"].queryset = members if members is not None else User.objects.none()


class FeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        coerce=int,
        choices=PresentationFeedback._meta.get_field("usefulness").choices,
        widget=forms.RadioSelect,
        label=_("How useful was it?"),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Read by the facilitators only."),
    )


class HostOfferForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    willing = forms.BooleanField(required=False, initial=True, label=_("Willing to host"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        from copse.organisations.models import Organisation

        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
