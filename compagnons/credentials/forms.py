from django import forms
from django.utils.translation import gettext_lazy as _


class HouseForm(forms.Form):
    name = forms.CharField(label=_("Nom de la maison"), max_length=200)
    did = forms.CharField(
        label=_("Identifiant did:web"),
        max_length=200,
        help_text=_("Par exemple : did:web:compagnons-sud.fr (son document est à /.well-known/did.json)."),
    )
