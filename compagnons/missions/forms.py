from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from compagnons.apprenticeship.forms import (
    CompetenceChoiceField,
    DateInput,
    OptionsChoiceField,
    competence_options,
    current_competences,
)
from compagnons.core.forms import SharedFieldsForm
from compagnons.core.uploads import check_upload
from compagnons.core.widgets import MemoisedBoundField, QuickSelect
from compagnons.missions import services
from compagnons.missions.models import HOURS_PER_DAY, Attestation, Dispute, Mission, WorkerProfile
from compagnons.skills.models import Trade


class EurosField(forms.DecimalField):
    """Euros typed by a person (« 1 200,50 »), stored in cents."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u202f", "").replace(" ", "").replace("€", "").replace(",", ".")
        try:
            return super().to_python(value)
        except InvalidOperation:
            raise ValidationError(_("Indiquez un montant en euros, par exemple 1200 ou 1200,50.")) from None


class MissionForm(forms.ModelForm):
    competences = CompetenceChoiceField(
        label=_("Compétences attendues"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins une compétence.")},
    )
    budget = EurosField(label=_("Budget total (€)"), required=False, max_value=Decimal("1000000"))
    daily_rate = EurosField(label=_("Taux journalier (€)"), required=False, max_value=Decimal("10000"))

    class Meta:
        model = Mission
        fields = [
            "title",
            "context",
            "deliverables",
            "trade",
            "competences",
            "place",
            "location",
            "languages",
            "starts_on",
            "deadline",
            "pricing",
            "budget",
            "estimated_hours",
            "daily_rate",
            "days",
        ]
        widgets = {
            "context": forms.Textarea({"rows": 4}),
            "deliverables": forms.Textarea({"rows": 4}),
            "starts_on": DateInput(),
            "deadline": DateInput(),
            "pricing": forms.RadioSelect,
            "place": forms.RadioSelect,
        }
        help_texts = {"estimated_hours": _("Pour un forfait : combien d'heures de travail, selon vous ?")}

    def __init__(self, *args, invitee=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competences"].queryset = current_competences()
        self.fields["trade"].queryset = Trade.objects.order_by("label")
        self.fields["estimated_hours"].required = False
        # Proposed from a member's public page: invite them (ticked; the client may untick it).
        self.invitee = invitee
        if invitee is not None:
            self.fields["invite"] = forms.BooleanField(
                label=_("Inviter %(name)s à candidater dès que la mission sera publiée")
                % {"name": invitee.display_name},
                required=False,
                initial=True,
            )
        if self.instance.pk:
            self.fields["budget"].initial = Decimal(self.instance.budget_cents) / 100
            if self.instance.daily_rate_cents:
                self.fields["daily_rate"].initial = Decimal(self.instance.daily_rate_cents) / 100

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("deadline") and data["deadline"] < data["starts_on"]:
            self.add_error("deadline", _("La date limite doit suivre le début."))
        if data.get("pricing") == Mission.Pricing.DAILY:
            rate, days = data.get("daily_rate"), data.get("days")
            if not rate:
                self.add_error("daily_rate", _("Indiquez le taux journalier."))
            if not days:
                self.add_error("days", _("Indiquez le nombre de jours."))
            if rate and days and rate * days > 1_000_000:
                self.add_error("days", _("Au-delà d'un million d'euros, parlez-en directement à l'équipe."))
            elif rate and days:
                self.instance.daily_rate_cents = int(rate * 100)
                self.instance.days = days
                self.instance.budget_cents = int(rate * 100) * days
                # A model field of this form: set it in cleaned_data, which the instance is built from.
                data["estimated_hours"] = self.instance.estimated_hours = days * HOURS_PER_DAY
        else:
            budget, hours = data.get("budget"), data.get("estimated_hours")
            if not budget:
                self.add_error("budget", _("Indiquez le budget."))
            if not hours:
                self.add_error("estimated_hours", _("Indiquez l'effort estimé en heures."))
            if budget and hours:
                self.instance.budget_cents = int(budget * 100)
                self.instance.estimated_hours = hours
                self.instance.daily_rate_cents = self.instance.days = None
        if self.invitee is not None:
            self.instance.invited = self.invitee if data.get("invite") else None
        if not self.errors:
            problem = services.fairness_problem(self.instance.budget_cents, self.instance.estimated_hours)
            if problem:
                self.fairness_error = problem
                raise ValidationError(problem)
        return data


class ApplyForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message"),
        widget=forms.Textarea({"rows": 5}),
        help_text=_("Votre approche, vos disponibilités, vos questions. Le prix est le budget du donneur d'ordre."),
    )
    partner = forms.TypedChoiceField(
        label=_("Seul·e ou en binôme ?"),
        help_text=_("Un binôme est une mission d'apprentissage, que vous facturez."),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    review = forms.BooleanField(label=_("Je demande d'abord à mon compagnon de relire ma candidature"), required=False)

    def __init__(self, *args, mentees=(), **kwargs):
        """`mentees`: the apprentices the applicant accompanies now; with none, there is no binôme to offer."""
        super().__init__(*args, **kwargs)
        self.mentees = {m.pk: m for m in mentees}
        if self.mentees:
            self.fields["partner"].choices = [("", _("Seul·e"))] + [
                (pk, _("En binôme avec %(name)s") % {"name": m.display_name}) for pk, m in self.mentees.items()
            ]
            self.initial.setdefault("partner", "")
        else:
            del self.fields["partner"]

    def clean_partner(self):
        pk = self.cleaned_data.get("partner")
        return self.mentees.get(pk) if pk else None


class QualifyForm(forms.Form):
    clear_deliverables = forms.BooleanField(
        label=services.QUALIFICATION_CHECKLIST["clear_deliverables"], required=False
    )
    fair_budget = forms.BooleanField(label=services.QUALIFICATION_CHECKLIST["fair_budget"], required=False)
    competences_set = forms.BooleanField(label=services.QUALIFICATION_CHECKLIST["competences_set"], required=False)
    no_abusive_terms = forms.BooleanField(label=services.QUALIFICATION_CHECKLIST["no_abusive_terms"], required=False)
    comment = forms.CharField(
        label=_("Commentaire pour le donneur d'ordre"), required=False, widget=forms.Textarea({"rows": 3})
    )


TEXT_MAX_LENGTH = 5000


def _text(label, required: str, *, rows: int = 3, required_field: bool = True) -> forms.CharField:
    """A free text of a mission: bounded, and with the service's own words when it is missing."""
    return forms.CharField(
        label=label,
        max_length=TEXT_MAX_LENGTH,
        required=required_field,
        widget=forms.Textarea({"rows": rows}),
        error_messages={"required": required},
    )


class TextForm(forms.Form):
    """A message in an application's thread, or the mentor's reading."""

    text = _text(_("Votre texte"), _("Écrivez votre texte."), rows=4)


class SendApplicationForm(forms.Form):
    """Sending a draft application, possibly with a revised message (empty: the message stays as it was)."""

    message = _text(_("Votre message"), "", rows=5, required_field=False)


class ChangesForm(forms.Form):
    text = _text(_("Ce qui manque"), _("Dites ce qui manque."))


class TestimonialForm(forms.Form):
    text = _text(
        _("Votre témoignage : ce qui s'est bien passé, ce qui pourrait mieux aller"),
        _("Écrivez votre témoignage."),
        rows=4,
    )


class DisputeForm(forms.Form):
    text = _text(_("Ce qui ne va pas"), _("Expliquez ce qui ne va pas."))


class DisputeResponseForm(forms.Form):
    text = _text(
        _("Votre version des faits, lue par l'équipe avant sa décision"), _("Écrivez votre version des faits.")
    )

    def __init__(self, *args, rewriting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if rewriting:
            self.fields["text"].label = _("Compléter votre version des faits (elle remplace la précédente)")


class DeliveryForm(forms.Form):
    note = _text(_("Ce que vous livrez"), _("Décrivez ce que vous livrez."), rows=4)
    file = forms.FileField(label=_("Fichier (facultatif)"), required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        self.content_type = ""
        if upload:
            self.content_type = check_upload(upload)
        return upload


class AttestationForm(forms.Form):
    def __init__(self, *args, competences, **kwargs):
        super().__init__(*args, **kwargs)
        self.competences = list(competences)
        for c in self.competences:
            self.fields[f"c_{c.pk}"] = forms.ChoiceField(
                label=f"{c.code} — {c.label}",
                choices=Attestation.Result.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Répondez pour cette compétence.")},
            )

    def results(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"c_{c.pk}"] for c in self.competences}


class ClientFactsForm(forms.Form):
    payment_delay_days = forms.IntegerField(
        label=_("Jours de retard de paiement"), min_value=0, max_value=365, initial=0
    )
    scope_changes = forms.IntegerField(
        label=_("Changements de périmètre en cours de mission"), min_value=0, max_value=50, initial=0
    )


class WorkerProfileForm(forms.ModelForm):
    class Meta:
        model = WorkerProfile
        fields = ["legal_status", "siret", "structure", "urssaf_attestation", "urssaf_attestation_on"]
        widgets = {"legal_status": forms.RadioSelect, "urssaf_attestation_on": DateInput()}

    def clean_siret(self):
        return self.cleaned_data["siret"].replace(" ", "")

    def clean_urssaf_attestation(self):
        upload = self.cleaned_data.get("urssaf_attestation")
        if upload and hasattr(upload, "content_type") and check_upload(upload) != "application/pdf":
            raise ValidationError(_("L'attestation se dépose en PDF."))
        return upload

    def clean(self):
        data = super().clean()
        status = data.get("legal_status")
        if status == WorkerProfile.LegalStatus.MICRO and not data.get("siret"):
            self.add_error("siret", _("Une micro-entreprise a un SIRET : indiquez-le."))
        if status in (WorkerProfile.LegalStatus.PORTAGE, WorkerProfile.LegalStatus.CAE) and not data.get("structure"):
            self.add_error("structure", _("Indiquez la société de portage ou la coopérative."))
        return data


class LeadForm(forms.Form):
    contact = forms.CharField(label=_("Qui est le client ? (nom, structure, moyen de le joindre)"), max_length=200)
    need = forms.CharField(label=_("Son besoin"), widget=forms.Textarea({"rows": 4}))
    budget_hint = forms.CharField(label=_("Budget, s'il est connu"), max_length=100, required=False)
    client_consents = forms.BooleanField(label=_("Le client est d'accord pour que l'équipe le contacte"))


class ConvertLeadForm(MissionForm):
    client_email = forms.EmailField(label=_("Adresse e-mail du compte du client"))

    def clean_client_email(self):
        from compagnons.accounts.models import User

        client = User.objects.active().filter(email__iexact=self.cleaned_data["client_email"]).first()
        if client is None or not client.is_client:
            raise ValidationError(
                _(
                    "Aucun donneur d'ordre n'a cette adresse : invitez d'abord le client à s'inscrire "
                    "pour proposer des missions."
                )
            )
        self.client = client
        return self.cleaned_data["client_email"]


def trade_options() -> list[tuple[int, str]]:
    """The métiers as (id, label), by label, kept in the process while they are unchanged (as competence_options)."""
    from compagnons.core import fragments

    return fragments.versioned(
        "trade-options",
        ("skills_trade",),
        lambda: list(Trade.objects.order_by("label").values_list("pk", "label")),
        local=True,
    )


class FilterForm(SharedFieldsForm):
    q = forms.CharField(label=_("Rechercher"), required=False)
    # QuickSelect: Django's <select> without a template per option; the options of the métiers and compétences kept
    # in the process (the compétences' options were three quarters of a search's time)
    trade = OptionsChoiceField(label=_("Métier"), options=trade_options, required=False, widget=QuickSelect)
    competence = OptionsChoiceField(
        label=_("Compétence"), options=competence_options, required=False, widget=QuickSelect
    )
    place = forms.ChoiceField(
        label=_("Lieu"),
        choices=[("", _("Tous")), *Mission.Place.choices],
        required=False,
        widget=QuickSelect,
        bound_field_class=MemoisedBoundField,
    )
    duration = forms.ChoiceField(
        label=_("Durée"),
        choices=[
            ("", _("Toutes")),
            ("short", _("Moins de 20 heures")),
            ("medium", _("20 à 80 heures")),
            ("long", _("Plus de 80 heures")),
        ],
        required=False,
        widget=QuickSelect,
        bound_field_class=MemoisedBoundField,
    )
    starts_after = forms.DateField(label=_("Début à partir du"), required=False, widget=DateInput())


class DisputeDecisionForm(forms.Form):
    """Staff's decision on a mediation: for whom, what follows for the mission (the outcomes its state allows), why."""

    decided_for = forms.ChoiceField(
        label=_("En faveur de qui"),
        choices=Dispute.DecidedFor.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites en faveur de qui la décision est rendue.")},
    )
    outcome = forms.ChoiceField(
        label=_("Ce qui suit pour la mission"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez ce qui suit pour la mission.")},
    )
    reasons = forms.CharField(
        label=_("Motifs de la décision"),
        help_text=_("Lus par les deux parties : les faits retenus et ce qui fonde la décision."),
        widget=forms.Textarea({"rows": 5}),
        error_messages={"required": _("Écrivez les motifs de la décision.")},
    )

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (value, Dispute.Outcome(value).label) for value in services.dispute_outcomes(mission)
        ]
