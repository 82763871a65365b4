"""Learning forms."""

from pathlib import PurePath

import yaml
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _lazy

from compagnons.core.uploads import check_upload
from compagnons.learning import capsule_files, scenario_files
from compagnons.learning.models import CAPSULE_MAX_MINUTES as _MAX_MINUTES

# --- Capsules --------------------------------------------------------------------------------------------


IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
AUDIO_MAX_BYTES = 10 * 1024 * 1024
IMPORT_SUFFIXES = (".yaml", ".yml", ".json")


def audio_type(upload) -> str | None:
    """MP3, Ogg, WAV or M4A, told by the first bytes (never by the name the browser sends)."""
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    return None


class CapsuleForm(forms.Form):
    """The staff's form: the text fields, the files, and the quiz written in YAML (the file format's
    « questions »), checked by the same checker as an imported file, with the whole list of problems."""

    title = forms.CharField(label=_lazy("Titre"), max_length=160)
    slug = forms.SlugField(
        label=_lazy("Identifiant dans l'adresse"), max_length=80, help_text=_lazy("Minuscules, chiffres et tirets.")
    )
    summary = forms.CharField(label=_lazy("En une phrase"), max_length=300, required=False)
    minutes = forms.IntegerField(label=_lazy("Durée de lecture (minutes)"), min_value=1, max_value=_MAX_MINUTES)
    competences = forms.CharField(
        label=_lazy("Compétences travaillées"),
        required=False,
        help_text=_lazy("Les codes du référentiel en vigueur, séparés par des virgules : C1.1, C1.2"),
    )
    body = forms.CharField(label=_lazy("Texte (Markdown)"), widget=forms.Textarea(attrs={"rows": 14}))
    image = forms.FileField(label=_lazy("Image (PNG, JPEG, GIF ou WebP)"), required=False)
    image_alt = forms.CharField(label=_lazy("Description de l'image"), max_length=250, required=False)
    audio = forms.FileField(label=_lazy("Audio (MP3, Ogg, WAV ou M4A)"), required=False)
    transcript = forms.CharField(
        label=_lazy("Transcription écrite de l'audio"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    quiz = forms.CharField(
        label=_lazy("Le quiz (YAML)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text=_lazy(
            "De 3 à 5 questions, chacune avec 2 à 5 réponses et, pour chaque réponse, une explication "
            "(« feedback ») qui dit pourquoi elle est juste ou non. Voir le modèle sous le formulaire."
        ),
    )

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload and check_upload(upload) not in IMAGE_TYPES:
            raise ValidationError(_lazy("Envoyez une image PNG, JPEG, GIF ou WebP."))
        return upload

    def clean_audio(self):
        upload = self.cleaned_data.get("audio")
        if upload:
            if upload.size > AUDIO_MAX_BYTES:
                raise ValidationError(_lazy("L'audio dépasse 10 Mo."))
            if audio_type(upload) is None:
                raise ValidationError(_lazy("Envoyez un audio MP3, Ogg, WAV ou M4A."))
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            questions = yaml.safe_load(cleaned.get("quiz") or "")
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            raise ValidationError(
                _lazy("Le quiz n'est pas un YAML lisible (ligne %(line)s).") % {"line": mark.line + 1 if mark else "?"}
            ) from None
        if isinstance(questions, dict) and "questions" in questions:
            questions = questions["questions"]
        codes = [
            code.strip() for code in (cleaned.get("competences") or "").replace(";", ",").split(",") if code.strip()
        ]
        data = {
            "format": capsule_files.FORMAT,
            "slug": cleaned["slug"],
            "title": cleaned["title"],
            "summary": cleaned.get("summary", ""),
            "minutes": cleaned["minutes"],
            "competences": codes,
            "body": cleaned["body"],
            "image_alt": cleaned.get("image_alt", ""),
            "transcript": cleaned.get("transcript", ""),
            "questions": questions,
        }
        if cleaned.get("audio"):
            data["audio"] = cleaned["audio"].name
        if cleaned.get("image"):
            data["image"] = cleaned["image"].name
        checked, errors = capsule_files.validate(data, competence_codes=capsule_files.current_codes())
        if errors:
            raise ValidationError(errors)
        self.capsule_data = checked
        return cleaned

    @staticmethod
    def initial_for(capsule) -> dict:
        data = capsule_files.to_data(capsule)
        return {
            "title": data["title"],
            "slug": data["slug"],
            "summary": data["summary"],
            "minutes": data["minutes"],
            "competences": ", ".join(data["competences"]),
            "body": data["body"],
            "image_alt": capsule.image_alt,
            "transcript": capsule.transcript,
            "quiz": capsule_files.questions_yaml(data["questions"]),
        }


class CapsuleImportForm(forms.Form):
    file = forms.FileField(label=_lazy("Fichier de capsule (YAML ou JSON, 256 Ko au plus)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(IMPORT_SUFFIXES):
            raise ValidationError(_lazy("Envoyez un fichier .yaml, .yml ou .json."))
        if upload.size > capsule_files.MAX_FILE_BYTES:
            raise ValidationError(_lazy("Le fichier dépasse 256 Ko : une capsule tient en bien moins."))
        try:
            self.text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_lazy("Le fichier doit être du texte en UTF-8.")) from None
        return upload


# --- Scenarios -------------------------------------------------------------------------------------------


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


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class NodeImagesField(forms.FileField):
    """Several images at once (the ones the scenario's nodes name), each a PNG, JPEG, GIF or WebP."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        single = super().clean
        cleaned = [single(item, initial) for item in files]
        for upload in cleaned:
            if check_upload(upload) not in IMAGE_TYPES:
                raise ValidationError(
                    _("« %(name)s » n'est pas une image PNG, JPEG, GIF ou WebP.") % {"name": upload.name}
                )
        return cleaned


class ScenarioFileForm(forms.Form):
    """A scenario file, uploaded or pasted, with the images its nodes name; validated by the same validator as every
    import (a named image neither sent nor already stored for the scenario is one more error)."""

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

    images = NodeImagesField(
        label=gettext_lazy("Images des étapes (facultatif)"),
        required=False,
        help_text=gettext_lazy(
            "Les images que le fichier nomme (« image: bureau.png »), envoyées ensemble. Une image déjà enregistrée "
            "pour cette mise en situation n'est pas à renvoyer."
        ),
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
            data = scenario_files.check(source)
        except scenario_files.InvalidScenarioFile as error:
            raise forms.ValidationError(error.errors) from None
        cleaned["images"] = {upload.name: upload for upload in cleaned.get("images") or []}
        _found, missing = scenario_files.resolve_images(data, images=cleaned["images"])
        if missing:
            raise forms.ValidationError(missing)
        if self.slug and scenario_files.parse(source).get("slug") != self.slug:
            raise forms.ValidationError(
                _("Le fichier doit garder l'identifiant « %(slug)s » de cette mise en situation.") % {"slug": self.slug}
            )
        cleaned["source"] = source
        return cleaned
