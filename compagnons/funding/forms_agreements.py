"""Forms of the plans and agreements half: they check shapes; the services (`plans`, `agreements`, `certificates`)
check the rules and refuse in French."""

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnons.apprenticeship.models import Cohort
from compagnons.core.widgets import QuickSelect
from compagnons.funding.models import AgreementKind, FundingSource, PartyKind, SourceKind, SourceStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanFilterForm(forms.Form):
    # QuickSelect: Django's <select> without a template per option (a thousand cohorts: most of the page's time)
    cohort = forms.ModelChoiceField(
        Cohort.objects.order_by("-starts_on"), label=_("Promotion"), required=False, widget=QuickSelect
    )
    gap = forms.BooleanField(label=_("Seulement les plans non couverts"), required=False)


class PriceForm(forms.Form):
    price = forms.DecimalField(label=_("Prix de la formation (€)"), max_digits=10, decimal_places=2)


class SourceForm(forms.ModelForm):
    class Meta:
        model = FundingSource
        fields = ["kind", "funder_name", "amount", "file_number", "status", "requested_on", "decided_on", "paid_on"]
        widgets = {"requested_on": DateInput(), "decided_on": DateInput(), "paid_on": DateInput()}
        labels = {"amount": _("Montant (€)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SourceKind.choices
        self.fields["status"].choices = SourceStatus.choices
        # The service says what is wrong with an amount (zero, negative, too much), in a sentence.
        self.fields["amount"].validators = []

    def _post_clean(self):
        # The rules live in the service (plans.add_source / change_source); no model validation here.
        pass


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=AgreementKind.choices)
    party_kind = forms.ChoiceField(label=_("Cocontractant"), choices=PartyKind.choices)
    party_name = forms.CharField(label=_("Raison sociale ou nom"), max_length=200, required=False)
    party_address = forms.CharField(label=_("Adresse"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    party_siret = forms.CharField(label=_("SIRET"), max_length=14, required=False)
    party_email = forms.EmailField(
        label=_("Compte du signataire (adresse e-mail)"),
        required=False,
        help_text=_("Laissez vide si le signataire n'a pas de compte : vous déposerez la copie signée."),
    )
    starts_on = forms.DateField(label=_("Début"), widget=DateInput())
    ends_on = forms.DateField(label=_("Fin"), widget=DateInput())
    hours = forms.IntegerField(label=_("Durée (heures)"))
    objective = forms.CharField(label=_("Objectif"), widget=forms.Textarea(attrs={"rows": 3}))
    prerequisites = forms.CharField(
        label=_("Niveau de connaissances préalables"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    means = forms.CharField(label=_("Moyens pédagogiques, techniques et d'encadrement"), widget=forms.Textarea)
    trainers = forms.CharField(
        label=_("Formateurs : titres et qualités"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    assessment = forms.CharField(
        label=_("Modalités de suivi, d'évaluation et de sanction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    price = forms.DecimalField(label=_("Prix (€)"), max_digits=10, decimal_places=2)
    payment_terms = forms.CharField(label=_("Modalités de paiement"), widget=forms.Textarea(attrs={"rows": 2}))
    first_payment = forms.DecimalField(
        label=_("Premier versement (€, contrat)"), max_digits=10, decimal_places=2, required=False
    )


class SignedCopyForm(forms.Form):
    file = forms.FileField(label=_("Copie signée (PDF ou image)"))


class PeriodForm(forms.Form):
    period_start = forms.DateField(label=_("Du"), widget=DateInput())
    period_end = forms.DateField(label=_("Au"), widget=DateInput())


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Exercice"), min_value=2000, max_value=2100)
