"""Forms of the invoices half: a draft's buyer, a line, a payment, a credit note, a membership. Amounts are typed in
euros (« 1 200,50 ») and handed to the services in cents."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.accounts.models import User
from compagnons.funding import memberships
from compagnons.funding.models import FundingSource, Invoice
from compagnons.missions.forms import EurosField

MAX_EUROS = Decimal("1000000")
POSITIVE = {"min_value": _("Une ligne ou un montant nul ou négatif n'existe pas : indiquez un nombre positif.")}


def cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class InvoiceForm(forms.ModelForm):
    """The buyer of a draft, what the invoice is for, and optionally the person's account and the funding source."""

    account_email = forms.EmailField(
        label=_("Compte de la personne (e-mail)"),
        required=False,
        help_text=_("Pour une facture à une personne : elle la retrouvera dans « Mon financement »."),
    )
    source_id = forms.IntegerField(
        label=_("Source de financement (n°)"),
        required=False,
        min_value=1,
        help_text=_("Facultatif : l'origine des fonds suit alors la source."),
    )

    class Meta:
        model = Invoice
        fields = [
            "buyer_kind",
            "origin",
            "buyer_name",
            "buyer_address",
            "buyer_postcode",
            "buyer_city",
            "buyer_siret",
            "buyer_email",
            "buyer_reference",
            "service_from",
            "service_to",
            "vat_exempt",
        ]
        widgets = {
            "buyer_address": forms.Textarea(attrs={"rows": 2}),
            "service_from": DateInput(),
            "service_to": DateInput(),
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin"].required = False
        if editing:  # the account and the source are chosen when the draft is made
            del self.fields["account_email"]
            del self.fields["source_id"]

    def clean_account_email(self):
        email = self.cleaned_data.get("account_email")
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("Aucun compte n'a cette adresse."))
        return user

    def clean_source_id(self):
        pk = self.cleaned_data.get("source_id")
        if not pk:
            return None
        source = FundingSource.objects.filter(pk=pk).first()
        if source is None:
            raise forms.ValidationError(_("Aucune source de financement n'a ce numéro."))
        return source

    def clean(self):
        data = super().clean()
        if not data.get("origin") and not data.get("source_id") and data.get("buyer_kind") == "funder":
            self.add_error("origin", _("Choisissez l'origine des fonds."))
        return data

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("account_email", None)
        data.pop("source_id", None)
        return data


class LineForm(forms.Form):
    label = forms.CharField(label=_("Désignation"), max_length=300)
    quantity = forms.DecimalField(
        label=_("Quantité"),
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        initial=1,
        error_messages=POSITIVE,
    )
    unit_price = EurosField(label=_("Prix unitaire HT (€)"), max_value=MAX_EUROS, error_messages=POSITIVE)


class PaymentForm(forms.Form):
    amount = EurosField(label=_("Montant reçu (€)"), max_value=MAX_EUROS, error_messages=POSITIVE)
    received_on = forms.DateField(label=_("Reçu le"), widget=DateInput())
    reference = forms.CharField(label=_("Référence du virement"), max_length=100)

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Un paiement ne se reçoit pas dans le futur."))
        return day


class CreditNoteForm(forms.Form):
    amount = EurosField(
        label=_("Montant de l'avoir (€)"),
        required=False,
        max_value=MAX_EUROS,
        error_messages=POSITIVE,
        help_text=_("Vide : tout ce qui reste de la facture."),
    )
    label = forms.CharField(label=_("Motif"), max_length=300, required=False)


class MembershipForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de l'adhérent·e"))
    category = forms.ChoiceField(label=_("Catégorie"))
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    paid_on = forms.DateField(label=_("Payée le"), widget=DateInput())
    reference = forms.CharField(label=_("Référence du paiement"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (name, f"{name} — {cents_ / 100:.2f} €".replace(".", ",")) for name, cents_ in memberships.fees().items()
        ]
        self.fields["year"].initial = timezone.localdate().year
        self.fields["paid_on"].initial = timezone.localdate()

    def clean_email(self):
        user = User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise forms.ValidationError(_("Aucun compte n'a cette adresse."))
        return user
