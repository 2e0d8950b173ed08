from django import forms
from django.utils.translation import gettext_lazy as _

from copse.mailing.models import ContentLevel, DeliveryMode


class DeliveryForm(forms.Form):
    mode = forms.ChoiceField(choices=DeliveryMode.choices, widget=forms.RadioSelect)


class ContentLevelForm(forms.Form):
    content = forms.ChoiceField(
        choices=ContentLevel.choices, widget=forms.RadioSelect, label=_("What mail may carry")
    )
    understood = forms.BooleanField(
        required=False,
        label=_(
            "I understand that mail leaves Copse: it is stored by members' mail "
            "providers and can be forwarded, and Copse cannot take it back."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("content") in (ContentLevel.TITLES, ContentLevel.FULL) and not data.get(
            "understood"
        ):
            self.add_error(
                "understood", _("Confirm that you understand before sending content by mail.")
            )
        return data
