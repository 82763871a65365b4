from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from compagnons.api.models import TEAM_SCOPES, Scope
from compagnons.core.permissions import is_team

DURATIONS = [(30, _("30 jours")), (90, _("90 jours")), (365, _("un an"))]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"), max_length=80, help_text=_("L'outil qui l'utilisera, pour le reconnaître ensuite.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Ce que le jeton peut faire"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    days = forms.TypedChoiceField(label=_("Durée de validité"), coerce=int, choices=(), initial=90)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [
            (scope.value, scope.label) for scope in Scope if scope not in TEAM_SCOPES or is_team(user)
        ]
        self.fields["days"].choices = [(d, label) for d, label in DURATIONS if d <= settings.API_TOKEN_MAX_DAYS]
