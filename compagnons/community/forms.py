from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from compagnons.community.models import MAX_BODY, MAX_REASON, MAX_TITLE, Category, ModerationAction, Preference

BODY_HELP = _(
    "Markdown : **gras**, *italique*, [lien](https://…), listes avec « - », citations avec « > », code entre ``` ."
)


class HoneypotMixin(forms.Form):
    # Honeypot, as on the public forms: hidden from people (off-screen, out of the tab order), filled only by bots.
    website = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput({"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Message refusé."))
        return ""


def _body_field(label):
    # The limit is checked by the service with a clear message; the field accepts more so as not to cut the text.
    return forms.CharField(
        label=label,
        max_length=MAX_BODY * 10,
        strip=True,
        help_text=BODY_HELP,
        widget=forms.Textarea({"rows": 10}),
        error_messages={"required": _("Votre message est vide : écrivez quelques mots.")},
    )


class ThreadForm(HoneypotMixin):
    title = forms.CharField(
        label=_("Votre question, en une phrase"),
        max_length=MAX_TITLE * 4,
        error_messages={"required": _("Donnez un titre à votre question.")},
    )
    body = _body_field(_("Les détails"))


class AnswerForm(HoneypotMixin):
    body = _body_field(_("Votre réponse"))
    quoting = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=MAX_TITLE * 4, required=False)
    body = _body_field(_("Message"))

    def __init__(self, *args, is_question: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_question:
            del self.fields["title"]
        else:
            self.fields["title"].required = True


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=MAX_REASON * 5,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("Indiquez le motif : la personne concernée le lira.")},
    )


class ReportForm(ReasonForm):
    reason = forms.CharField(
        label=_("Pourquoi signalez-vous ce message ?"),
        max_length=MAX_REASON * 5,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("Dites en quelques mots ce qui ne va pas.")},
    )


class ModerateForm(ReasonForm):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (k.value, k.label)
            for k in (
                ModerationAction.Kind.HIDE,
                ModerationAction.Kind.RESTORE,
                ModerationAction.Kind.APPROVE,
                ModerationAction.Kind.WARN,
                ModerationAction.Kind.DISMISS,
            )
        ],
        widget=forms.RadioSelect,
    )


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mails de l'entraide"), choices=Preference.Email.choices, widget=forms.RadioSelect
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher dans l'entraide"), max_length=200, required=False)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "description", "visibility", "position"]


class ModeratorForm(ReasonForm):
    email = forms.EmailField(label=_("Adresse e-mail du compagnon"))


class CategoryRemoveForm(forms.Form):
    """Deleting (or archiving) a category: a reason for the audit log, and a box to tick — no removal by a slip."""

    reason = forms.CharField(
        label=_("Motif"),
        max_length=MAX_REASON * 5,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("Indiquez le motif : il reste dans le journal.")},
    )
    confirm = forms.BooleanField(
        label=_("Je confirme"),
        error_messages={"required": _("Cochez « Je confirme » pour continuer.")},
    )
