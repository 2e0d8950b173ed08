from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.accounts.models import User
from copse.communities.models import DEFAULT_TOPIC_AREAS, Community
from copse.communities.services import SETTINGS_FIELDS
from copse.core import cursors


class TopicAreasField(forms.CharField):
    """Topic areas typed one per line."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        areas = []
        for line in text.splitlines():
            line = line.strip()
            if line and line not in areas:
                areas.append(line[:60])
        return areas


class CommunitySettingsForm(forms.ModelForm):
    topic_areas = TopicAreasField(
        label=_("Topic areas"),
        required=False,
        help_text=_("One per line. Members tag topics and questions with these."),
    )

    class Meta:
        model = Community
        fields = list(SETTINGS_FIELDS)
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "name": _("Name"),
            "purpose": _("Purpose"),
            "goals": _("Goals"),
            "kind": _("Kind"),
            "visibility": _("Visibility"),
            "listed": _("Listed"),
            "join_policy": _("Join policy"),
            "eligibility": _("Eligibility"),
            "per_organisation_cap": _("Per organisation cap"),
            "size_cap": _("Size cap"),
            "meeting_cadence": _("Meeting cadence"),
            "slug": _("Slug"),
        }
        help_texts = {
            "meeting_cadence": _('e.g. "Half a day every month, with dinner".'),
            "visibility": _(
                "More private takes effect at once. Less private is for the members to "
                "consent to, by a proposal."
            ),
            "listed": _(
                "Shown in the directory. Unlisting takes effect at once; listing an unlisted "
                "community is for the members to consent to, by a proposal."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sharing = self.fields.get("library_sharing_allowed")
        if sharing is not None:
            sharing.label = _("Allow authors to share library items beyond the community")
            if self.instance.pk and self.instance.visibility == "open":
                sharing.help_text = _(
                    "This makes no difference while the community is open: anyone can read "
                    "its library already. It counts if the community becomes members-only or "
                    "confidential."
                )

    def clean(self):
        data = super().clean()
        per_org, size = data.get("per_organisation_cap"), data.get("size_cap")
        if per_org and size and per_org > size:
            self.add_error(
                "per_organisation_cap", gettext("This cannot be larger than the size limit.")
            )
        return data


class PeopleField(forms.ModelMultipleChoiceField):
    """A choice of people by id, where a value that is no id at all (or too
    large for the database) is a form error like any unknown choice."""

    def clean(self, value):
        for pk in value or ():
            if cursors.integer(str(pk), minimum=1) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


FACILITATORS_CHOOSE = (
    "library_sharing_allowed",
    "who_may_propose",
    "facilitators_adopt_amendments",
    "members_nominate_peers",
    "norms_review_months",
)


class NewCommunityForm(CommunitySettingsForm):
    facilitators = PeopleField(
        queryset=User.objects.filter(is_active=True).select_related("organisation"),
        label=_("Facilitators"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("You can appoint more later."),
    )

    class Meta(CommunitySettingsForm.Meta):
        # Sharing the library beyond the community, and how its members
        # decide, are its facilitators' choice; a new community starts from
        # the defaults (any member proposes).
        fields = [
            "slug",
            *(f for f in CommunitySettingsForm.Meta.fields if f not in FACILITATORS_CHOOSE),
        ]
        help_texts = {
            "slug": _("The community's address: /c/<this>/. Letters, digits and hyphens.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic_areas"].initial = DEFAULT_TOPIC_AREAS
        self.fields["facilitators"].label_from_instance = lambda u: f"{u.name} <{u.email}>"


class AppointFacilitatorForm(forms.Form):
    email = forms.EmailField(label=_("Email"), help_text=_("The person must have a Copse account."))

    def clean_email(self):
        from copse.accounts.identity import normalize_email

        email = normalize_email(self.cleaned_data["email"])
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                gettext(
                    "No one with this address has an account. Invite them from the "
                    "community's members page, then appoint them."
                )
            )
        self.user = user
        return email
