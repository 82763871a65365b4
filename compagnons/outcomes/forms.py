from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.apprenticeship.models import Cohort, Funding
from compagnons.core.ids import parse_id
from compagnons.core.widgets import QuickSelect
from compagnons.outcomes.indicators import Filters
from compagnons.outcomes.models import FollowUp, in_work_situations
from compagnons.skills.models import Certification

YES_NO = [(True, _("Oui")), (False, _("Non"))]


class AnswerForm(forms.ModelForm):
    """The follow-up survey: short, plain French, the same for the person and for the team on the phone."""

    in_target_trade = forms.TypedChoiceField(
        label=_("Ce travail est-il dans le métier visé par la formation ?"),
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )

    class Meta:
        model = FollowUp
        fields = [
            "situation",
            "in_target_trade",
            "since",
            "income",
            "clients_count",
            "missions_count",
            "bank_share",
            "comment",
        ]
        labels = {
            "situation": _("Quelle est votre situation aujourd'hui ?"),
            "since": _("Depuis quand ? (date approximative)"),
            "income": _("Votre revenu mensuel d'activité, à peu près"),
            "clients_count": _("Combien de clients avez-vous eus depuis votre sortie ?"),
            "missions_count": _("Combien de missions ?"),
            "bank_share": _("Parmi ces missions, combien sont venues de la banque de missions des compagnons ?"),
            "comment": _("Un mot pour l'équipe (facultatif)"),
        }
        widgets = {
            "situation": forms.RadioSelect,
            "since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "income": forms.RadioSelect,
            "bank_share": forms.RadioSelect,
            "comment": forms.Textarea({"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situation"].required = True
        self.fields["situation"].choices = self.fields["situation"].choices[1:]  # no empty radio
        self.fields["income"].choices = self.fields["income"].choices[1:]
        self.fields["bank_share"].choices = self.fields["bank_share"].choices[1:]
        for name in ("clients_count", "missions_count"):
            self.fields[name].widget.attrs.update({"min": 0, "max": 999})
            self.fields[name].max_value = 999

    def clean_since(self):
        since = self.cleaned_data.get("since")
        if since and since > timezone.localdate():
            raise forms.ValidationError(_("Cette date est dans le futur : indiquez depuis quand, à peu près."))
        return since

    def clean(self):
        data = super().clean()
        if data.get("situation") in in_work_situations() and data.get("in_target_trade") is None:
            self.add_error("in_target_trade", _("Dites-nous si ce travail est dans le métier visé par la formation."))
        return data

    def answer(self) -> dict:
        data = dict(self.cleaned_data)
        data["comment"] = data.get("comment") or ""
        return data


COHORTS_OFFERED = 100


class FiltersForm(forms.Form):
    # QuickSelect: the same HTML as Django's Select without a template per option (issue 21)
    certification = forms.ModelChoiceField(
        label=_("Certification"),
        queryset=Certification.objects.order_by("slug", "-version"),
        required=False,
        widget=QuickSelect,
    )
    cohort = forms.ModelChoiceField(
        label=_("Promotion"), queryset=Cohort.objects.order_by("-starts_on", "name"), required=False, widget=QuickSelect
    )
    year = forms.TypedChoiceField(
        label=_("Année"), coerce=int, required=False, empty_value=None, choices=(), widget=QuickSelect
    )
    funding = forms.ChoiceField(
        label=_("Financement"), choices=[("", _("Tous")), *Funding.choices], required=False, widget=QuickSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("Toutes"))] + [(y, str(y)) for y in range(this_year, this_year - 12, -1)]
        self.fields["cohort"].empty_label = _("Toutes")
        self.fields["certification"].empty_label = _("Toutes")
        # Any cohort is accepted (the table's links filter on any of them), but the list offers the most recent
        # ones: a select of thousands of options helps nobody and costs a lot to render.
        offered = list(Cohort.objects.order_by("-starts_on", "name").values_list("pk", "name")[:COHORTS_OFFERED])
        chosen = parse_id(self.data.get("cohort")) if self.is_bound else None
        if chosen and all(pk != chosen for pk, _name in offered):
            offered += list(Cohort.objects.filter(pk=chosen).values_list("pk", "name"))
        self.fields["cohort"].widget.choices = [("", _("Toutes")), *offered]

    def filters(self) -> Filters:
        """The valid filters; a wrong one is left out (and said so beside its field), the others still apply."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            cohort=data.get("cohort"),
            year=data.get("year"),
            funding=data.get("funding") or "",
            certification=data.get("certification"),
        )
