from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compagnons.accounts.models import User
from compagnons.core.permissions import TEAM
from compagnons.quality.models import Agreement, Complaint, ImprovementAction, Recommend, Satisfaction, Survey


def _team():
    """The people core.permissions.is_team accepts, as a QuerySet for a choice field."""
    return User.objects.active().filter(TEAM).order_by("last_name", "first_name")


class ComplaintForm(forms.Form):
    """Anyone may write; a visitor gives a name and an address so that we can answer."""

    kind = forms.ChoiceField(label=_("Vous souhaitez"), choices=Complaint.Kind.choices, widget=forms.RadioSelect)
    topic = forms.ChoiceField(label=_("À propos de"), choices=Complaint.Topic.choices)
    subject = forms.CharField(label=pgettext_lazy("réclamation", "Objet"), max_length=200)
    body = forms.CharField(
        label=_("Décrivez la situation"),
        max_length=6000,
        widget=forms.Textarea({"rows": 6}),
        help_text=_("Ce qui s'est passé, quand, et ce que vous attendez de nous."),
    )
    name = forms.CharField(label=_("Votre nom"), max_length=120, required=False)
    email = forms.EmailField(label=_("Votre adresse e-mail"), required=False)
    # Honeypot, as on the contact form: hidden from people, filled only by bots.
    website = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput({"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, member: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["kind"].initial = Complaint.Kind.COMPLAINT
        if member is not None:
            del self.fields["name"]
            del self.fields["email"]
        else:
            self.fields["name"].required = True
            self.fields["email"].required = True
            self.fields["email"].help_text = _("Pour vous envoyer l'accusé de réception et notre réponse.")

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Message refusé."))
        return ""


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Dans l'ensemble, êtes-vous satisfait·e ?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    expectations = forms.TypedChoiceField(
        label=_("Ce que vous attendiez a-t-il été atteint ?"),
        choices=Agreement.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    support = forms.TypedChoiceField(
        label=_("Êtes-vous satisfait·e de l'accompagnement et des échanges ?"),
        choices=Satisfaction.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    recommend = forms.ChoiceField(
        label=_("Recommanderiez-vous les compagnons du télétravail à un proche ?"),
        choices=Recommend.choices,
        widget=forms.RadioSelect,
    )
    liked = forms.CharField(
        label=_("Qu'est-ce qui vous a été le plus utile ?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea({"rows": 3}),
    )
    improve = forms.CharField(
        label=_("Que devrions-nous améliorer ?"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        if survey.kind == Survey.Kind.PATH_COLD:
            self.fields["expectations"].label = _("Six mois après, ce que vous avez appris vous sert-il ?")
        elif survey.kind == Survey.Kind.MISSION:
            self.fields["expectations"].label = _("La mission a-t-elle répondu à votre besoin ?")
            # About the mission and the platform, never a score of a person (no stars: DOMAIN.md).
            self.fields["support"].label = _(
                "Êtes-vous satisfait·e du déroulement de la mission et de l'aide de la plateforme "
                "(publication, suivi, médiation) ?"
            )
            self.fields["recommend"].label = _("Recommanderiez-vous la banque de missions à un proche ?")
        elif survey.kind == Survey.Kind.COACHING:
            self.fields["expectations"].label = _("La séance a-t-elle répondu à ce que vous veniez chercher ?")
            # About the session and its organisation, never a score of the coach (no stars: DOMAIN.md).
            self.fields["support"].label = _(
                "Êtes-vous satisfait·e de l'organisation de la séance (réservation, rappels, visio ou lieu) ?"
            )
            self.fields["recommend"].label = _("Recommanderiez-vous le coaching des compagnons à un proche ?")
        if survey.audience == Survey.Audience.MENTOR:
            self.fields["expectations"].label = _("L'accompagnement a-t-il atteint ses objectifs ?")
            self.fields["support"].label = _("Êtes-vous satisfait·e du soutien de l'équipe pendant l'accompagnement ?")


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Responsable"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _team()


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Réponse"),
        max_length=8000,
        widget=forms.Textarea({"rows": 6}),
        help_text=_("Elle est envoyée par e-mail à la personne et gardée au registre."),
    )


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), choices=[("", _("Tous")), *Complaint.Status.choices], required=False)
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)


class ActionForm(forms.ModelForm):
    complaint_number = forms.CharField(
        label=_("Numéro de la réclamation"),
        max_length=20,
        required=False,
        help_text=_("Si la cause est une réclamation, par exemple R-2026-0007."),
    )

    class Meta:
        model = ImprovementAction
        fields = ["title", "cause", "complaint_number", "cause_detail", "description", "owner", "due_on", "status"]
        fields += ["effect", "measured_result"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "cause_detail": forms.Textarea({"rows": 2}),
            "description": forms.Textarea({"rows": 4}),
            "effect": forms.Textarea({"rows": 3}),
        }
        help_texts = {
            "measured_result": _(
                "Un chiffre et sa base, par exemple : « satisfaction 11 sur 12 à la promotion suivante »."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _team()
        if self.instance.complaint_id:
            self.fields["complaint_number"].initial = self.instance.complaint.number

    def clean(self):
        data = super().clean()
        number = (data.get("complaint_number") or "").strip().upper()
        if data.get("cause") == ImprovementAction.Cause.COMPLAINT:
            complaint = Complaint.objects.filter(number=number).first() if number else None
            if complaint is None:
                self.add_error("complaint_number", _("Indiquez le numéro d'une réclamation du registre."))
            self.instance.complaint = complaint
        else:
            self.instance.complaint = None
        return data


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous")), *ImprovementAction.Status.choices], required=False
    )
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)


class PeriodForm(forms.Form):
    du = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["du"] > data["au"]:
            raise ValidationError(_("La date de début doit précéder la date de fin."))
        return data


class ExportForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail de l'apprenti·e"),
        help_text=_(
            "Le dossier rassemble son positionnement, son plan, son émargement, ses évaluations, "
            "la décision du jury et ses réponses aux questionnaires."
        ),
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        member = User.objects.active().filter(email__iexact=email, enrollments__isnull=False).distinct().first()
        if member is None:
            raise ValidationError(_("Aucun·e apprenti·e inscrit·e à une promotion n'a cette adresse."))
        self.member = member
        return email
