from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.accounts.models import Role, User
from compagnons.apprenticeship.models import Cohort, Evidence, MentoringSession, PathProfile
from compagnons.core.ids import IdsMultipleChoiceField
from compagnons.core.uploads import check_upload
from compagnons.core.widgets import MemoisedBoundField
from compagnons.skills.models import Certification, Competence, Level


def current_competences():
    certification = Certification.objects.current()
    if certification is None:
        return Competence.objects.none()
    return certification.competences.select_related("block").order_by("block__position", "position")


# The tables the current référentiel's compétences are read from (a new version, a bloc or a compétence edited).
REFERENTIEL_TABLES = ("skills_certification", "skills_block", "skills_competence")


def competence_options() -> list[tuple[int, str]]:
    """The current référentiel's compétences as (id, « code — label »), in its order, for a filter's <select>: kept
    in the process while the référentiel is unchanged (core.fragments.versioned), so that a search neither queries
    them nor builds their model instances (a third of a missions search's time, issue 21)."""
    from compagnons.core import fragments

    return fragments.versioned(
        "competence-options",
        REFERENTIEL_TABLES,
        lambda: [(c.pk, f"{c.code} — {c.label}") for c in current_competences()],
        local=True,
    )


class OptionsChoiceField(forms.TypedChoiceField):
    """A filter's choice of an id among cached options (`competence_options`): cleaned to the id (an int) or None,
    and the same <select> as a ModelChoiceField's (its empty option « --------- » first)."""

    per_form = True  # each form reads the options when it copies the field (core.forms.SharedFieldsForm)

    def __init__(self, *, options, **kwargs):
        kwargs.setdefault("bound_field_class", MemoisedBoundField)  # a filter: its field group kept per value
        super().__init__(coerce=int, empty_value=None, choices=(), **kwargs)
        self.options = options
        self._normalised = (None, [])  # (the options list last read, its choices as Django normalises them)

    def __deepcopy__(self, memo):
        field = super().__deepcopy__(memo)
        # each form's own copy reads the options once; while they are the same list (kept in the process), the
        # choices Django normalised from them last time are reused, not normalised again (100 options: ~0.4 ms)
        options = self.options()
        if self._normalised[0] is not options:
            probe = forms.ChoiceField(choices=[("", "---------"), *options])
            self._normalised = (options, probe.choices)
        # normalised already: set past the widget's `choices` setter, which would walk them again (0.05 ms)
        field._choices = field.widget._choices = self._normalised[1]
        return field


class CompetenceChoiceField(IdsMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.label}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SessionForm(forms.ModelForm):
    competences = CompetenceChoiceField(
        label=_("Compétences travaillées"),
        queryset=Competence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MentoringSession
        fields = ["date", "duration_minutes", "mode", "competences", "notes", "next_steps", "next_session_on"]
        widgets = {
            "date": DateInput(),
            "next_session_on": DateInput(),
            "notes": forms.Textarea({"rows": 3}),
            "next_steps": forms.Textarea({"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competences"].queryset = current_competences()
        self.fields["date"].initial = timezone.localdate()
        self.fields["duration_minutes"].initial = 60

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise ValidationError(_("Une séance se note après avoir eu lieu, pas à l'avance."))
        return day


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Votre commentaire"), widget=forms.Textarea({"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Votre réponse (obligatoire pour décliner)"), required=False, widget=forms.Textarea({"rows": 2})
    )


class RequestMentorForm(forms.Form):
    compagnon = forms.ModelChoiceField(queryset=User.objects.with_role(Role.COMPAGNON), widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Un mot pour vous présenter (facultatif)"), required=False, widget=forms.Textarea({"rows": 2})
    )


class GoalForm(forms.Form):
    competence = forms.ModelChoiceField(label=_("Compétence"), queryset=Competence.objects.none())
    target_date = forms.DateField(label=_("Échéance"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competence"].queryset = current_competences()
        self.fields["competence"].label_from_instance = lambda c: f"{c.code} — {c.label}"


class StepForm(forms.Form):
    label = forms.CharField(label=_("Nouvelle étape"), max_length=250)


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(label=_("Forme"), choices=Evidence.Kind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("Fichier (PDF, image ou document bureautique)"),
        required=False,
        widget=forms.ClearableFileInput({"accept": ".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.odt,.ods,.odp"}),
    )
    link = forms.URLField(label=_("Lien"), required=False, max_length=500)
    text = forms.CharField(label=_("Texte"), required=False, widget=forms.Textarea({"rows": 4}))
    competences = CompetenceChoiceField(
        label=_("Compétences que cette preuve montre"),
        queryset=Competence.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Reliez la preuve à au moins une compétence.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competences"].queryset = current_competences()
        self.content_type = ""

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Evidence.Kind.FILE:
            upload = data.get("file")
            if not upload:
                self.add_error("file", _("Joignez le fichier."))
            else:
                try:
                    self.content_type = check_upload(upload)
                except ValidationError as error:
                    self.add_error("file", error)
        elif kind == Evidence.Kind.LINK and not data.get("link"):
            self.add_error("link", _("Indiquez le lien."))
        elif kind == Evidence.Kind.TEXT and not (data.get("text") or "").strip():
            self.add_error("text", _("Écrivez le texte."))
        return data


class ReviewEvidenceForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Votre décision"),
        choices=[("validate", _("Je valide cette preuve")), ("changes", _("Je demande des modifications"))],
        widget=forms.RadioSelect,
    )
    level = forms.TypedChoiceField(
        label=_("Niveau que cette preuve montre"),
        choices=[(Level.ACQUIRED.value, Level.ACQUIRED.label), (Level.MASTERED.value, Level.MASTERED.label)],
        coerce=int,
        initial=Level.ACQUIRED.value,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea({"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "changes" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Dites ce qu'il faut changer."))
        return data


class AdoptionForm(forms.Form):
    description = forms.CharField(label=_("Le travail et pourquoi il est jugé bon"), widget=forms.Textarea({"rows": 4}))
    evidence = forms.ModelChoiceField(
        label=_("Preuve validée (facultatif)"), queryset=Evidence.objects.none(), required=False
    )

    def __init__(self, *args, apprentice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = Evidence.objects.filter(
            apprentice=apprentice, status=Evidence.Status.VALIDATED
        )
        self.fields["evidence"].label_from_instance = lambda e: e.title


class PathProfileForm(forms.ModelForm):
    class Meta:
        model = PathProfile
        fields = ["mentor_capacity", "accepting_apprentices", "public_in_chain"]


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "name",
            "certification",
            "starts_on",
            "ends_on",
            "formateur",
            "funding",
            "capacity",
            "open_for_requests",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formateur"].queryset = User.objects.active().with_role(Role.STAFF)
        self.fields["certification"].queryset = Certification.objects.exclude(status=Certification.Status.ARCHIVED)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("La fin doit suivre le début."))
        return data


class EnrollForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du membre à inscrire"))

    def clean_email(self):
        email = self.cleaned_data["email"]
        member = User.objects.active().filter(email__iexact=email).first()
        if member is None:
            raise ValidationError(_("Aucun membre n'a cette adresse."))
        self.member = member
        return email


class AssignMentorForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Compagnon"), queryset=User.objects.none())
    reason = forms.CharField(
        label=_("Motif (si l'apprenti change de compagnon)"), required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = User.objects.active().with_role(Role.COMPAGNON).order_by("last_name")
        self.fields["mentor"].label_from_instance = lambda u: (
            f"{u.display_name} — {u.trade}" if u.trade else u.display_name
        )
