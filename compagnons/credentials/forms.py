import json

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnons.credentials import ob3


class HouseForm(forms.Form):
    name = forms.CharField(label=_("Nom de la maison"), max_length=200)
    did = forms.CharField(
        label=_("Identifiant did:web"),
        max_length=200,
        help_text=_("Par exemple : did:web:compagnons-sud.fr (son document est à /.well-known/did.json)."),
    )


class HouseCredentialForm(forms.Form):
    document = forms.CharField(
        label=_("Le titre signé (JSON), tel que l'autre maison vous l'a donné"),
        max_length=256 * 1024,
        widget=forms.Textarea({"rows": 6}),
    )

    def clean_document(self):
        text = self.cleaned_data["document"]
        if ob3.json_text_too_deep(text):
            raise forms.ValidationError(_("Ce texte imbrique trop de niveaux pour être un titre."))
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            document = None
        if not isinstance(document, dict):
            raise forms.ValidationError(_("Ce n'est pas un titre au format JSON : vérifiez le copier-coller."))
        return document


class HouseEndorsementForm(HouseCredentialForm):
    """The same paste, for a house's recommendation (EndorsementCredential); prefixed, on the same page."""

    prefix = "recommandation"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].label = _("La recommandation signée (JSON), telle que l'autre maison vous l'a donnée")
