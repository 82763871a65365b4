from django import forms
from django.utils.translation import gettext_lazy as _

from compagnons.skills.models import Level, Reflection
from compagnons.skills.referentiel import MAX_IMPORT_BYTES


def level_choices():
    return [(level.value, level.label) for level in Level]


class CompetenceLevelsForm(forms.Form):
    """One level (radio group) and one comment per compétence. Field names: level_<id>, comment_<id>."""

    def __init__(self, *args, competences, required: bool, initial_levels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.competences = list(competences)
        initial_levels = initial_levels or {}
        for competence in self.competences:
            previous = initial_levels.get(competence.pk)
            self.fields[f"level_{competence.pk}"] = forms.TypedChoiceField(
                label=f"{competence.code} — {competence.label}",
                choices=level_choices(),
                coerce=int,
                required=required,
                widget=forms.RadioSelect,
                initial=previous.level if previous else None,
                error_messages={"required": _("Choisissez un niveau pour cette compétence.")},
            )
            self.fields[f"comment_{competence.pk}"] = forms.CharField(
                label=_("Un exemple, une remarque (facultatif)"),
                required=False,
                max_length=2000,
                widget=forms.Textarea({"rows": 2}),
                initial=previous.comment if previous else "",
            )

    def rows(self):
        for competence in self.competences:
            yield competence, self[f"level_{competence.pk}"], self[f"comment_{competence.pk}"]

    def answers(self) -> dict[int, tuple[int, str]]:
        out = {}
        for competence in self.competences:
            level = self.cleaned_data.get(f"level_{competence.pk}")
            if level is not None and level != "":
                out[competence.pk] = (int(level), self.cleaned_data.get(f"comment_{competence.pk}", "").strip())
        return out


class ReviewForm(CompetenceLevelsForm):
    summary = forms.CharField(
        label=_("Synthèse pour la personne (points forts, priorités)"),
        required=False,
        widget=forms.Textarea({"rows": 4}),
    )


class ReflectionForm(forms.ModelForm):
    class Meta:
        model = Reflection
        fields = ["values", "drives", "wants", "fears", "shared_with_mentor"]
        widgets = {name: forms.Textarea({"rows": 4}) for name in ["values", "drives", "wants", "fears"]}
        help_texts = {
            "values": _("Par exemple : l'autonomie, le travail bien fait, la famille, l'entraide…"),
            "drives": _("Ce qui vous donne de l'énergie, ce dont vous êtes fier·e."),
            "wants": _("Liberté d'horaires, revenu régulier, choisir ses clients, travailler depuis chez soi…"),
            "fears": _("L'isolement, les impayés, ne pas savoir se vendre… Le dire aide à avancer."),
            "shared_with_mentor": _("Votre compagnon pourra lire cette page. Personne d'autre, pas même l'équipe."),
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier JSON du référentiel"),
        help_text=_("Format « compagnons-referentiel/1 », 2 Mo au plus."),
        widget=forms.ClearableFileInput({"accept": "application/json,.json"}),
    )
    activate = forms.BooleanField(label=_("Mettre cette version en vigueur tout de suite"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
        if not upload.name.lower().endswith(".json"):
            raise forms.ValidationError(_("Envoyez un fichier .json."))
        return upload
