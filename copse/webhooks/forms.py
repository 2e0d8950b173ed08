"""The webhook form: where to send, which events, and whether it is on."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from copse.webhooks import events, targets


class WebhookForm(forms.Form):
    description = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("What it feeds, for whoever keeps it with you, such as “Our team chat”."),
    )
    target_url = forms.CharField(
        label=_("Send to"),
        max_length=targets.MAX_LENGTH,
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "The receiving system's address, starting with https://. Copse sends "
            "only to public addresses, and never follows a redirect."
        ),
        error_messages={"required": _("Enter the address Copse should send to.")},
    )
    events = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=events.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one event to send."),
            "invalid_choice": _("Choose events from the list."),
        },
    )
    active = forms.BooleanField(label=_("Active: send deliveries"), required=False, initial=True)

    def clean_target_url(self) -> str:
        url = self.cleaned_data["target_url"].strip()
        try:
            targets.check_for_saving(url)
        except targets.TargetRefused as refusal:
            raise forms.ValidationError(refusal.message) from None
        return url
