import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from compagnons.accounts.models import User
from compagnons.ledger.models import Transaction


class OnceForm(forms.Form):
    """A form whose posting counts once: `request_id` is drawn when the form is shown and becomes the posting's
    idempotency key, so a double submit (a double click, a resent request) writes nothing twice."""

    request_id = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)

    def request_key(self) -> str | None:
        value = self.cleaned_data.get("request_id")
        return value.hex if value else None


class DeclareHelpForm(OnceForm):
    email = forms.EmailField(label=_("Adresse e-mail de la personne aidée"))
    kind = forms.ChoiceField(
        label=_("Nature"),
        choices=[
            (Transaction.Kind.COACHING, Transaction.Kind.COACHING.label),
            (Transaction.Kind.COMMUNITY, Transaction.Kind.COMMUNITY.label),
        ],
        widget=forms.RadioSelect,
    )
    minutes = forms.IntegerField(label=_("Durée (minutes)"), min_value=5, max_value=600)
    note = forms.CharField(label=_("L'aide apportée, en quelques mots"), max_length=300)

    def clean_email(self):
        email = self.cleaned_data["email"]
        receiver = User.objects.active().filter(email__iexact=email).first()
        if receiver is None:
            # The same words whether the address exists or not: the form must not reveal who is a member.
            raise ValidationError(_("Vous ne pouvez pas déclarer d'aide pour cette adresse."))
        self.receiver = receiver
        return email


class AdjustForm(OnceForm):
    minutes = forms.IntegerField(
        label=_("Minutes (positif : crédit, négatif : débit)"), min_value=-6000, max_value=6000
    )
    reason = forms.CharField(label=_("Motif"), max_length=300)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Motif de la correction"), max_length=300)
