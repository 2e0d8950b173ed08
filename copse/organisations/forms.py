from django import forms

from copse.organisations.domains import normalise_domain
from copse.organisations.models import Organisation, OrganisationDomain


class OrganisationForm(forms.ModelForm):
    domains = forms.CharField(
        label="Email domains",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "One per line, e.g. contoso.com. A person with a verified address in one of "
            "these domains (exactly, not a subdomain) gets this organisation. Leave empty "
            "to set people's organisation only by approving their requests."
        ),
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "parent_institution"]
        help_texts = {
            "parent_institution": "For a department or unit: the institution it belongs to."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["domains"] = "\n".join(
                self.instance.domains.values_list("domain", flat=True)
            )

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
            problems.append(f"{claim.domain} is already claimed by {claim.organisation.name}.")
        if problems:
            raise forms.ValidationError(problems)
        return domains


class DecideRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Choose the organisation",
        help_text="Check the name against the person's addresses before approving.",
    )
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and not data.get("organisation"):
            self.add_error("organisation", "Choose the organisation to approve.")
        return data
