"""The story form and the time estimate. They check what a person can fix
(a missing currency, a code that is not one); whether the links may be
linked is the service's to decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.value.currencies import is_currency, normalise
from copse.value.models import Cycle, Sharing

# The five cycles by name, as the list of stories filters by them.
CYCLE_NAMES = {
    Cycle.IMMEDIATE: _("Immediate"),
    Cycle.POTENTIAL: _("Potential"),
    Cycle.APPLIED: _("Applied"),
    Cycle.REALISED: _("Realised"),
    Cycle.REFRAMING: _("Reframing"),
}

# The five cycles in plain words, as the form offers them.
CYCLES_EXPLAINED = {
    Cycle.IMMEDIATE: _(
        "Immediate: it was useful to be there. A good conversation, a useful "
        "contact, knowing others face the same problem."
    ),
    Cycle.POTENTIAL: _(
        "Potential: I learned something I can use. An idea, a template or a name "
        "to call that I have not put to work yet."
    ),
    Cycle.APPLIED: _(
        "Applied: I changed what I do. I used what I learned in my own work: a "
        "process, a tool, a way of negotiating."
    ),
    Cycle.REALISED: _(
        "Realised: it made a difference. The change paid off: money or hours saved, a risk avoided."
    ),
    Cycle.REFRAMING: _(
        "Reframing: it changed how we think about success. We now measure, plan or "
        "judge our work differently."
    ),
}

SHARING_EXPLAINED = {
    Sharing.PRIVATE: _("Only me and the community's facilitators"),
    Sharing.COMMUNITY: _("The community: every member may read it"),
    Sharing.REPORT: _(
        "The community, and its amounts in the sponsor's report, added up with "
        "others and never with my name or words"
    ),
}


class LinkField(forms.TypedMultipleChoiceField):
    """Ids chosen from a list of links. Any id is accepted here (the list may
    have changed since the page was drawn); the service checks each one."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(coerce=int, required=False, **kwargs)

    def valid_value(self, value) -> bool:
        text = str(value)
        return text.isascii() and text.isdigit() and 0 < len(text) < 19


class StoryForm(forms.Form):
    cycle = forms.ChoiceField(
        label=_("What kind of value was it?"),
        choices=list(CYCLES_EXPLAINED.items()),
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("What happened, in a line"), max_length=200)
    story = forms.CharField(
        label=_("The story"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What you brought, what you took away, and what it changed. Markdown "
            "works: **bold**, lists, links."
        ),
    )
    money_saved = forms.DecimalField(
        label=_("Money saved"),
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        # A decimal comma where the reader's language writes one.
        localize=True,
        help_text=_("If you can say: a year's saving, or the one-off amount."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("Three letters (ISO 4217), such as USD, EUR or GBP. Needed with an amount."),
        widget=forms.TextInput(attrs={"size": 4, "autocomplete": "off"}),
    )
    hours_saved = forms.DecimalField(
        label=_("Hours saved"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100_000),
        max_digits=7,
        decimal_places=1,
        localize=True,
    )
    risk_avoided = forms.CharField(
        label=_("Risk avoided"), required=False, max_length=300, help_text=_("In a line, if any.")
    )
    threads = LinkField(label=_("Conversations it came from"))
    meetings = LinkField(label=_("Meetings it came from"))
    library_items = LinkField(label=_("Library items it came from"))
    sharing = forms.ChoiceField(
        label=_("Who may read it?"),
        choices=list(SHARING_EXPLAINED.items()),
        widget=forms.RadioSelect,
        initial=Sharing.PRIVATE,
    )

    AMOUNTS = ("money_saved", "currency", "hours_saved", "risk_avoided")
    LINKS = ("threads", "meetings", "library_items")

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threads"].choices = choices.threads
        self.fields["meetings"].choices = choices.meetings
        self.fields["library_items"].choices = choices.items

    def clean_currency(self) -> str:
        return normalise(self.cleaned_data.get("currency"))

    def clean(self):
        data = super().clean()
        currency = data.get("currency", "")
        if currency and not is_currency(currency):
            self.add_error(
                "currency",
                gettext("%(currency)s is not a currency code: use three letters such as USD.")
                % {"currency": currency},
            )
        elif data.get("money_saved") is not None and not currency:
            self.add_error(
                "currency", gettext("Say which currency the money was saved in, such as USD.")
            )
        return data

    def story_fields(self) -> dict:
        """The cleaned values as the services take them."""
        data = self.cleaned_data
        return {
            "cycle": data["cycle"],
            "title": data["title"],
            "money_saved": data.get("money_saved"),
            "currency": data.get("currency", ""),
            "hours_saved": data.get("hours_saved"),
            "risk_avoided": data.get("risk_avoided", ""),
            "sharing": data["sharing"],
            "thread_ids": data.get("threads", []),
            "meeting_ids": data.get("meetings", []),
            "library_item_ids": data.get("library_items", []),
        }

    def part(self, *names) -> list:
        return [self[name] for name in names]

    @property
    def main_fields(self) -> list:
        return self.part("cycle", "title", "story")

    @property
    def amount_fields(self) -> list:
        return self.part(*self.AMOUNTS)

    @property
    def link_fields(self) -> list:
        return self.part(*self.LINKS)


def initial_of(story) -> dict:
    """A story's values as the form shows them for editing."""
    return {
        "cycle": story.cycle,
        "title": story.title,
        "story": story.story,
        "money_saved": story.money_saved,
        "currency": story.currency,
        "hours_saved": story.hours_saved,
        "risk_avoided": story.risk_avoided,
        "sharing": story.sharing,
        "threads": [t.pk for t in story.threads.all()],
        "meetings": [m.pk for m in story.meetings.all()],
        "library_items": [i.pk for i in story.library_items.all()],
    }


class TimeEstimateForm(forms.Form):
    minutes_per_week = forms.IntegerField(
        label=_("Minutes a week you spend reading and writing here"),
        min_value=0,
        max_value=60 * 40,
        help_text=_(
            "Your own estimate, outside meetings: reading threads and mail, replying, writing."
        ),
    )
