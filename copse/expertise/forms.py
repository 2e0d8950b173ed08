from django import forms
from django.utils.translation import gettext_lazy as _

from copse.communities.models import Community
from copse.expertise.models import Experience, Level
from copse.expertise.services import MAX_NOTE, MAX_PURPOSE, MAX_TAG

FINDABLE_HELP = _(
    "When members of the site's other communities ask about this and nobody in "
    "their community has answered, Copse may suggest you to those who can see "
    "your profile. It never names this community to anyone who cannot read it."
)


class ExpertiseForm(forms.Form):
    """Adding expertise in one community: one of its topic areas, or a subject
    the person names. Each community's form on the page has its own prefix."""

    area = forms.ChoiceField(label=_("Topic area"), required=False)
    tag = forms.CharField(
        label=_("Or another subject"),
        required=False,
        max_length=MAX_TAG,
        help_text=_('A subject of your own, e.g. "SD-WAN" or "Succession".'),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=Level.choices,
        widget=forms.RadioSelect,
        initial=Level.PRACTISING,
        error_messages={"required": _("Choose a level: learning, practising or expert.")},
    )
    findable_elsewhere = forms.BooleanField(
        label=_("Others on this site may find me for this"), required=False, help_text=FINDABLE_HELP
    )

    def __init__(self, *args, community: Community, **kwargs):
        kwargs.setdefault("prefix", f"c{community.pk}")
        super().__init__(*args, **kwargs)
        self.community = community
        areas = [str(a) for a in (community.topic_areas or [])]
        self.fields["area"].choices = [("", _("No topic area")), *((a, a) for a in areas)]
        self.fields["area"].error_messages["invalid_choice"] = _(
            "Choose one of the topic areas in the list."
        )

    def clean(self):
        data = super().clean()
        if not data.get("area") and not (data.get("tag") or "").strip():
            raise forms.ValidationError(_("Choose a topic area or name a subject."))
        if data.get("area") and (data.get("tag") or "").strip():
            raise forms.ValidationError(_("Choose a topic area or name a subject, not both."))
        return data


class ExpertiseLevelForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"),
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a level: learning, practising or expert.")},
    )
    findable_elsewhere = forms.BooleanField(
        label=_("Others on this site may find me for this"), required=False, help_text=FINDABLE_HELP
    )


class CatalogueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display().lower()})"


class ExperienceForm(forms.Form):
    tag = CatalogueChoiceField(
        label=_("Vendor, product or technology"),
        queryset=None,
        empty_label=_("Choose from the catalogue"),
        error_messages={
            "required": _("Choose a vendor, product or technology from the catalogue."),
            "invalid_choice": _("Choose one of the catalogue's entries in the list."),
        },
    )
    duration = forms.ChoiceField(
        label=_("How long have you used it?"),
        choices=Experience.Duration.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say how long you have used it.")},
    )
    purpose = forms.CharField(
        label=_("What for?"),
        max_length=MAX_PURPOSE,
        help_text=_('In a few words, e.g. "SIP trunking at head office".'),
        error_messages={"required": _("Say what you used it for, in a few words.")},
    )
    recommend = forms.ChoiceField(
        label=_("Would you recommend it?"),
        choices=Experience.Recommend.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say whether you would recommend it: yes, no, or with caveats.")
        },
    )
    recommend_note = forms.CharField(
        label=_("A note on that"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What to watch for, or why. Optional."),
    )
    happy_to_be_asked = forms.BooleanField(
        label=_("I am happy to be asked about it"), required=False
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("Show it in"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only members of the communities you tick see it. Tick none to keep it to yourself."
        ),
        error_messages={"invalid_choice": _("Choose among your own communities.")},
    )

    def __init__(self, *args, catalogue, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = catalogue
        self.fields["communities"].queryset = communities

    def experience_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "tag": data["tag"],
            "duration": data["duration"],
            "purpose": data["purpose"],
            "recommend": data["recommend"],
            "recommend_note": data.get("recommend_note", ""),
            "happy_to_be_asked": data.get("happy_to_be_asked", False),
            "communities": list(data.get("communities") or []),
        }
