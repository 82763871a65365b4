from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from compagnons.accounts import services
from compagnons.accounts.models import User
from compagnons.accounts.services import Intent

INTENT_CHOICES = [
    (Intent.LEARN, _("Apprendre : suivre le parcours, être accompagné·e par un compagnon")),
    (Intent.POST_MISSIONS, _("Proposer des missions à des télétravailleurs")),
    (
        Intent.TRANSMIT,
        _("Transmettre : je télétravaille depuis longtemps et je veux accompagner des apprentis"),
    ),
]


class SignupForm(AllauthSignupForm):
    first_name = forms.CharField(
        label=_("Prénom"), max_length=150, widget=forms.TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(label=_("Nom"), max_length=150, widget=forms.TextInput({"autocomplete": "family-name"}))
    intents = forms.MultipleChoiceField(
        label=_("Vous venez pour…"),
        choices=INTENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez tout ce qui vous correspond. Vous pourrez en parler ensuite avec l'équipe."),
        error_messages={"required": _("Dites-nous au moins ce qui vous amène.")},
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2", "intents"]

    def custom_signup(self, request, user: User) -> None:
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        # Another site than the default one (no site: the default one, SITE_URL): links in e-mails go there.
        site = getattr(request, "site", None)
        user.site = site if site is not None and site.pk is not None and not site.is_default else None
        user.save(update_fields=["first_name", "last_name", "site"])
        services.register_member(user, intents=self.cleaned_data["intents"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = services.PROFILE_FIELDS + services.NOTIFICATION_FIELDS
        widgets = {
            "first_name": forms.TextInput({"autocomplete": "given-name"}),
            "last_name": forms.TextInput({"autocomplete": "family-name"}),
        }


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe"),
        widget=forms.PasswordInput({"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que mes données personnelles seront effacées et que je ne pourrai plus me connecter."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce mot de passe n'est pas le bon."))
        return password


class GrantCompagnonForm(forms.Form):
    evidence = forms.CharField(
        label=_("Expérience qui fonde la reconnaissance"),
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Par exemple : 12 ans de télésecrétariat indépendant, références vérifiées."),
    )
