from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from compagnons.accounts.models import Region
from compagnons.apprenticeship.forms import OptionsChoiceField, competence_options
from compagnons.core.forms import SharedFieldsForm
from compagnons.core.widgets import MemoisedBoundField, QuickSelect
from compagnons.missions.forms import EurosField
from compagnons.missions.models import Mission
from compagnons.showcase import reviewers, services
from compagnons.showcase.models import Pitch, Profile, Service, Theme


class IdentityForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["headline", "audience"]
        widgets = {"audience": forms.Textarea({"rows": 3})}
        help_texts = {
            "headline": _("Par exemple : « Télésecrétaire pour les cabinets de santé, réactive et discrète »."),
            "audience": _(
                "Par exemple : « Les kinés et infirmiers libéraux qui n'ont pas le temps de répondre au téléphone »."
            ),
        }


class WayForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["how_i_work", "availability_note", "regions"]
        widgets = {"how_i_work": forms.Textarea({"rows": 4})}
        help_texts = {"how_i_work": _("Vos outils, vos délais, comment on vous joint : ce qui rassure un client.")}


class ServiceForm(forms.Form):
    title = forms.CharField(label=_("Prestation"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea({"rows": 2}))
    price = EurosField(label=_("Prix (€)"), max_value=100000)
    unit = forms.ChoiceField(label=_("Unité"), choices=Service.Unit.choices, widget=forms.RadioSelect)
    hours = forms.IntegerField(
        label=_("Heures de travail (pour un forfait)"), required=False, min_value=1, max_value=2000
    )

    def clean(self):
        data = super().clean()
        if data.get("price") and data.get("unit"):
            problem = services.service_problem(int(data["price"] * 100), data["unit"], data.get("hours"))
            if problem:
                raise ValidationError(problem)
        return data


class PortfolioForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea({"rows": 2}))
    link = forms.URLField(label=_("Lien"), required=False)
    file = forms.FileField(label=_("Image ou PDF"), required=False)


class LookForm(forms.Form):
    photo = forms.ImageField(label=_("Photo (elle sera redimensionnée et ses métadonnées retirées)"), required=False)
    theme = forms.ChoiceField(label=_("Thème"), choices=Theme.choices, widget=forms.RadioSelect)


class ReviewerForm(forms.Form):
    """Your own compagnon by default (prefilled), or any compagnon by their address."""

    email = forms.EmailField(label=_("Adresse e-mail du compagnon relecteur"))

    def __init__(self, *args, member, **kwargs):
        mentor = reviewers.mentor_of(member)
        kwargs.setdefault("initial", {"email": mentor.email} if mentor else {})
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_email(self):
        reviewer = reviewers.compagnon_by_email(self.cleaned_data["email"])
        if reviewer is None or reviewer.pk == self.member.pk:
            raise ValidationError(_("Aucun autre compagnon n'a cette adresse."))
        self.cleaned_data["reviewer"] = reviewer
        return self.cleaned_data["email"]


class ContactForm(forms.Form):
    sender_name = forms.CharField(label=_("Votre nom"), max_length=120)
    sender_email = forms.EmailField(label=_("Votre adresse e-mail"))
    body = forms.CharField(label=_("Votre message"), max_length=4000, widget=forms.Textarea({"rows": 5}))
    # Honeypot: hidden from people (off-screen, out of the tab order, aria-hidden), filled only by bots.
    website = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput({"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Message refusé."))
        return ""


class PitchForm(forms.ModelForm):
    class Meta:
        model = Pitch
        fields = ["who", "what", "for_whom", "different", "proof", "text"]
        widgets = {name: forms.Textarea({"rows": 2}) for name in ["who", "what", "for_whom", "different", "proof"]}
        help_texts = {
            "who": _("Votre prénom, votre métier, depuis quand."),
            "what": _("Le service, en une phrase simple."),
            "for_whom": _("Vos clients idéaux."),
            "different": _("Ce que vous faites mieux ou autrement."),
            "proof": _("Un résultat obtenu pour un client, un chiffre, un témoignage."),
            "text": _("Moins de deux minutes à l'oral : reprenez vos réponses, dans l'ordre."),
        }


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Votre relecture"), widget=forms.Textarea({"rows": 4}))
    approve = forms.BooleanField(label=_("J'approuve ce pitch"), required=False)


class DirectoryForm(SharedFieldsForm):
    trade = forms.CharField(label=_("Métier"), required=False)
    competence = OptionsChoiceField(
        label=_("Compétence certifiée ou attestée par un client"),
        options=competence_options,
        required=False,
        widget=QuickSelect,
    )
    region = forms.ChoiceField(
        label=_("Région"),
        choices=[("", _("Toutes")), *Region.choices],
        required=False,
        widget=QuickSelect,
        bound_field_class=MemoisedBoundField,
    )
    language = forms.CharField(label=_("Langue"), required=False)
    available = forms.BooleanField(label=_("Disponible"), required=False)


class InviteForm(forms.Form):
    mission = forms.ModelChoiceField(label=_("Votre mission publiée"), queryset=None)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = Mission.objects.published().filter(client=client)
