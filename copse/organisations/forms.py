from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.organisations.domains import normalise_domain
from copse.organisations.models import Organisation, OrganisationDomain, OrganisationProvider
from copse.organisations.providers import configured_providers


class OrganisationForm(forms.ModelForm):
    domains = forms.CharField(
        label=_("Email domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, e.g. contoso.com. A person with a verified address in one of "
            "these domains (exactly, not a subdomain) gets this organisation. Leave empty "
            "to set people's organisation only by approving their requests."
        ),
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "parent_institution"]
        labels = {
            "name": _("Name"),
            "kind": _("Kind"),
            "parent_institution": _("Parent institution"),
        }
        help_texts = {
            "parent_institution": _("For a department or unit: the institution it belongs to.")
        }

    providers = forms.MultipleChoiceField(
        label=_("Sign-in providers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Everyone who signs in through a ticked provider gets this organisation, "
            "verified; untick it and they lose it. Tie only a provider whose accounts are "
            "this organisation's people."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tied = (
            list(self.instance.providers.values_list("provider_id", flat=True))
            if self.instance.pk
            else []
        )
        if self.instance.pk and not self.is_bound:
            self.initial["domains"] = "\n".join(
                self.instance.domains.values_list("domain", flat=True)
            )
            self.initial["providers"] = tied
        configured = configured_providers()
        choices = [(pid, f"{name} ({pid})") for pid, name in sorted(configured.items())]
        # A tie to a provider the site no longer configures stays listed, so
        # it can be undone.
        choices += [
            (pid, gettext("%(provider)s (no longer configured)") % {"provider": pid})
            for pid in tied
            if pid not in configured
        ]
        if choices:
            self.fields["providers"].choices = choices
        else:
            # No provider configured: the form is as it was without single sign-on.
            del self.fields["providers"]

    def clean_domains(self) -> list[str]:
        domains, problems = [], []
        for line in self.cleaned_data["domains"].replace(",", "\n").splitlines():
            if not line.strip():
                continue
            try:
                domain = normalise_domain(line)
            except ValueError as error:
                problems.append(str(error))
                continue
            if domain not in domains:
                domains.append(domain)
        if problems:
            raise forms.ValidationError(problems)
        taken = (
            OrganisationDomain.objects.filter(domain__in=domains)
            .exclude(organisation_id=self.instance.pk)
            .select_related("organisation")
        )
        for claim in taken:
            problems.append(
                gettext("%(domain)s is already claimed by %(name)s.")
                % {"domain": claim.domain, "name": claim.organisation.name}
            )
        if problems:
            raise forms.ValidationError(problems)
        return domains

    def clean_providers(self) -> list[str]:
        providers = self.cleaned_data["providers"]
        taken = (
            OrganisationProvider.objects.filter(provider_id__in=providers)
            .exclude(organisation_id=self.instance.pk)
            .select_related("organisation")
        )
        problems = [
            gettext("%(provider)s is already tied to %(name)s; untie it there first.")
            % {"provider": tie.provider_id, "name": tie.organisation.name}
            for tie in taken
        ]
        if problems:
            raise forms.ValidationError(problems)
        return providers


class DecideRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        label=_("Organisation"),
        empty_label=_("Choose the organisation"),
        help_text=_("Check the name against the person's addresses before approving."),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))]
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and not data.get("organisation"):
            self.add_error("organisation", gettext("Choose the organisation to approve."))
        return data
