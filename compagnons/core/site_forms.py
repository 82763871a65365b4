"""The staff form for a site (docs/sites.md)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from compagnons.core.models import Site, SiteHost

HOST_RE = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


class SiteForm(forms.ModelForm):
    hosts = forms.CharField(
        label=_("Hôtes"),
        widget=forms.Textarea({"rows": 3}),
        help_text=_(
            "Un nom de domaine par ligne, sans « https:// » ni port, par exemple : compagnons.exemple.fr. "
            "Chacun doit aussi figurer dans ALLOWED_HOSTS (docs/sites.md)."
        ),
        error_messages={"required": _("Donnez au moins un hôte à ce site.")},
    )
    new_logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "PNG, JPEG, GIF ou WebP ; il est réduit à 400 pixels de côté au plus. Le nom du site en est le texte "
            "alternatif. Sans logo, l'en-tête montre le nom."
        ),
        widget=forms.FileInput({"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo"), required=False)

    class Meta:
        model = Site
        fields = [
            "name",
            "tagline",
            "primary_colour",
            "accent_colour",
            "home_text",
            "email_sender",
            "footer_text",
            "default_language",
        ]
        widgets = {
            "primary_colour": forms.TextInput({"type": "color"}),
            "accent_colour": forms.TextInput({"type": "color"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["hosts"] = "\n".join(self.instance.hosts.values_list("host", flat=True))
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean_new_logo(self):
        """The cleaned PNG (core.sites.clean_logo), or None when no file was sent."""
        upload = self.cleaned_data.get("new_logo")
        if not upload:
            return None
        from compagnons.core.sites import clean_logo

        return clean_logo(upload)

    def clean_hosts(self) -> list[str]:
        hosts = sorted({h.strip().lower() for h in re.split(r"[\s,]+", self.cleaned_data["hosts"]) if h.strip()})
        if not hosts:
            raise forms.ValidationError(_("Donnez au moins un hôte à ce site."))
        for host in hosts:
            if not HOST_RE.match(host):
                raise forms.ValidationError(
                    _("« %(host)s » n'est pas un nom d'hôte : un nom de domaine seul, sans protocole ni port."),
                    params={"host": host},
                )
        taken = SiteHost.objects.filter(host__in=hosts).exclude(site_id=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Ces hôtes sont déjà ceux d'un autre site : %(hosts)s."),
                params={"hosts": ", ".join(taken.values_list("host", flat=True))},
            )
        return hosts
