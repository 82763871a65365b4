from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compagnons.accounts.models import User
from compagnons.apprenticeship.forms import CompetenceChoiceField, DateInput, current_competences
from compagnons.certification.models import JurySession, Masterpiece
from compagnons.core.ids import IdsMultipleChoiceField
from compagnons.missions.models import Mission


class MasterpieceForm(forms.Form):
    title = forms.CharField(label=_("Titre de votre chef-d'œuvre"), max_length=200)
    mission = forms.ModelChoiceField(
        label=_("La mission livrée qui en est le cœur (facultatif)"), queryset=Mission.objects.none(), required=False
    )
    account = forms.CharField(
        label=_("Comment vous l'avez fait, et ce que cela montre"), widget=forms.Textarea({"rows": 8})
    )
    competences = CompetenceChoiceField(
        label=_("Les compétences qu'il montre"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competences"].queryset = current_competences()
        self.fields["mission"].queryset = Mission.objects.filter(status=Mission.Status.CLOSED).filter(
            Q(chosen__applicant=candidate) | Q(chosen__partner=candidate)
        )


class JurySessionForm(forms.ModelForm):
    class Meta:
        model = JurySession
        fields = ["certification", "date", "place"]
        widgets = {"date": DateInput()}


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du membre (son compte sur la plateforme)"))
    profession = forms.CharField(label=_("Métier exercé"), max_length=200)
    is_external = forms.BooleanField(label=_("Extérieur à l'association"), required=False)

    def clean_email(self):
        user = User.objects.active().filter(email__iexact=self.cleaned_data["email"]).first()
        if user is None:
            raise ValidationError(_("Aucun compte n'a cette adresse : invitez d'abord la personne à s'inscrire."))
        self.user = user
        return self.cleaned_data["email"]


class CandidateForm(forms.Form):
    masterpiece = forms.ModelChoiceField(label=_("Chef-d'œuvre prêt"), queryset=Masterpiece.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["masterpiece"].queryset = Masterpiece.objects.filter(
            status=Masterpiece.Status.READY
        ).select_related("candidate")
        self.fields["masterpiece"].label_from_instance = lambda m: (
            f"{m.candidate.display_name} — {m.title} ({m.get_route_display()})"
        )


class GridForm(forms.Form):
    proposes_validation = forms.BooleanField(label=_("Je propose de valider ce bloc"), required=False)
    comment = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, criteria: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_met"] = forms.TypedMultipleChoiceField(
            label=_("Critères remplis"),
            choices=list(enumerate(criteria)),
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.order_fields(["criteria_met", "proposes_validation", "comment"])


class DecisionForm(forms.Form):
    reasons = forms.CharField(
        label=_("Motifs de la décision d'ensemble"), required=False, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.blocks = list(blocks)
        for b in self.blocks:
            self.fields[f"ok_{b.pk}"] = forms.BooleanField(
                label=f"{b.code} — {b.label} : {_('validé')}", required=False
            )
            self.fields[f"why_{b.pk}"] = forms.CharField(
                label=_("Motifs pour ce bloc (obligatoires s'il n'est pas validé)"),
                required=False,
                widget=forms.Textarea({"rows": 2}),
            )

    def results(self) -> dict[int, tuple[bool, str]]:
        return {b.pk: (self.cleaned_data[f"ok_{b.pk}"], self.cleaned_data[f"why_{b.pk}"]) for b in self.blocks}


class TextForm(forms.Form):
    text = forms.CharField(label=_("Votre texte"), widget=forms.Textarea({"rows": 4}))


class AppealAnswerForm(TextForm):
    """Staff answer an appeal and may withdraw validated blocs of that decision (services.withdraw_block)."""

    withdraw = IdsMultipleChoiceField(
        label=_("Retirer ces blocs validés (la réponse en est le motif)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["withdraw"]
        field.queryset = decision.blocks.filter(validated=True, withdrawn_at__isnull=True).select_related("block")
        field.label_from_instance = lambda b: f"{b.block.code} — {b.block.label}"
