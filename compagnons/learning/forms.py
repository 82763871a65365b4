"""Learning forms."""

# --- Capsules --------------------------------------------------------------------------------------------


# --- Scenarios -------------------------------------------------------------------------------------------

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compagnons.learning import scenario_files

SCENARIO_FILE_SUFFIXES = {".yaml", ".yml", ".json"}


class ChooseForm(forms.Form):
    """A step's form: the step number and node it was shown for, and the choice (one button per choice)."""

    step = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    node = forms.CharField(max_length=60, widget=forms.HiddenInput)
    choice = forms.IntegerField(min_value=1)


class DebriefForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Votre débriefing"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Ce que vous avez vu dans son parcours, ce qui a marché, ce qu'elle ou il pourrait essayer la prochaine "
            "fois. Markdown accepté."
        ),
    )


class ScenarioFileForm(forms.Form):
    """A scenario file, uploaded or pasted; validated by the same validator as every import."""

    upload = forms.FileField(
        label=gettext_lazy("Fichier (.yaml, .yml ou .json)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Ou collez le contenu du fichier"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
    )

    def __init__(self, *args, slug: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.slug = slug  # editing a scenario: the file must keep its identifier

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if PurePath(upload.name).suffix.lower() not in SCENARIO_FILE_SUFFIXES:
            raise forms.ValidationError(_("Envoyez un fichier .yaml, .yml ou .json."))
        if upload.size > settings.LEARNING_SCENARIO_MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse %(max)s Ko.") % {"max": settings.LEARNING_SCENARIO_MAX_BYTES // 1024}
            )
        raw = upload.read(settings.LEARNING_SCENARIO_MAX_BYTES + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Le fichier doit être du texte enregistré en UTF-8.")) from None
        if "\x00" in text:
            raise forms.ValidationError(_("Ce fichier n'est pas un fichier texte."))
        return text

    def clean_text(self):
        text = self.cleaned_data.get("text") or ""
        if len(text.encode("utf-8")) > settings.LEARNING_SCENARIO_MAX_BYTES:
            raise forms.ValidationError(
                _("Le texte dépasse %(max)s Ko.") % {"max": settings.LEARNING_SCENARIO_MAX_BYTES // 1024}
            )
        return text

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        source = cleaned.get("upload") or cleaned.get("text") or ""
        if not source.strip():
            raise forms.ValidationError(_("Choisissez un fichier ou collez son contenu."))
        try:
            scenario_files.check(source)
        except scenario_files.InvalidScenarioFile as error:
            raise forms.ValidationError(error.errors) from None
        if self.slug and scenario_files.parse(source).get("slug") != self.slug:
            raise forms.ValidationError(
                _("Le fichier doit garder l'identifiant « %(slug)s » de cette mise en situation.") % {"slug": self.slug}
            )
        cleaned["source"] = source
        return cleaned
