"""The health settings, and the words of one nudge."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from copse.health.models import HealthSettings
from copse.health.services import MAX_NUDGE

PLACEHOLDER_HELP = _(
    "Write {name}, {community} and {facilitator} where the member's name, the "
    "community's name and yours should go; they are filled in for each person."
)


class HealthSettingsForm(forms.Form):
    quiet_weeks = forms.IntegerField(
        label=_("A member is quiet after this many weeks"),
        min_value=1,
        max_value=52,
        help_text=_(
            "With no post, no answer to a meeting and no attendance. Between 1 and 52. "
            "Nobody is nudged twice within this time."
        ),
        widget=forms.NumberInput(attrs={"min": 1, "max": 52, "inputmode": "numeric"}),
    )
    nudge_template = forms.CharField(
        label=_("The words a nudge starts from"),
        max_length=MAX_NUDGE,
        help_text=format_lazy(
            "{} {}",
            PLACEHOLDER_HELP,
            _("You can change the words for each person before sending."),
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    @classmethod
    def for_settings(cls, settings: HealthSettings, data=None) -> HealthSettingsForm:
        initial = {
            "quiet_weeks": settings.quiet_weeks,
            "nudge_template": settings.nudge_words,
        }
        return cls(data, initial=initial)


class NudgeForm(forms.Form):
    """One quiet member's nudge. Its fields carry the member's id in their
    ids, so that every form on the page has ids of its own."""

    body = forms.CharField(
        label=_("Your note"),
        max_length=MAX_NUDGE,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Only they will read it, in Copse and by mail."),
    )
    days = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, member_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"nudge-{member_id}-%s")
        super().__init__(*args, **kwargs)
