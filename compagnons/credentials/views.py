import json
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.core import fragments
from compagnons.core.exceptions import Refused
from compagnons.core.permissions import require_team
from compagnons.core.qr import qr_data_uri
from compagnons.core.refusals import refused
from compagnons.credentials import houses as houses_services
from compagnons.credentials import ob3, services, sharing, verification
from compagnons.credentials.forms import HouseCredentialForm, HouseEndorsementForm, HouseForm
from compagnons.credentials.models import House, HouseCredential, HouseEndorsement, IssuedCredential

MAX_PASTE_BYTES = 256 * 1024
LD_JSON = "application/ld+json"
#: a compact JWS (header.payload.signature, base64url; a JSON header starts "eyJ"): VC-JWT, not read here
_JWT_RE = re.compile(r"^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


def _json(data: dict, *, download: str | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type=f"{LD_JSON}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    if download:
        response["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


@fragments.public_page("verify")
@require_safe
def verify(request: HttpRequest, uid) -> HttpResponse:
    """The public page of one credential; the credential itself for `Accept: application/ld+json`."""
    credential = get_object_or_404(IssuedCredential.objects.select_related("member"), uuid=uid)
    if LD_JSON in request.headers.get("Accept", "") or "application/json" in request.headers.get("Accept", ""):
        return _json(credential.document)
    verdict = verification.check(credential.document)
    page_url = request.build_absolute_uri()
    achievement = credential.document.get("credentialSubject", {}).get("achievement", {})
    return render(
        request,
        "credentials/verify.html",
        {
            "credential": credential,
            "verdict": verdict,
            "achievement": achievement,
            "qr": qr_data_uri(page_url, scale=4, border=2),
            "page_url": page_url,
        },
    )


@require_safe
def download(request: HttpRequest, uid) -> HttpResponse:
    credential = get_object_or_404(IssuedCredential, uuid=uid)
    return _json(credential.document, download=f"titre-{credential.uuid}.json")


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Anyone pastes or uploads a credential and gets a verdict in plain French."""
    verdict, error, text = None, "", ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size > MAX_PASTE_BYTES:
                error = _("Le fichier est trop gros pour être un titre (256 Ko au plus).")
            else:
                text = upload.read().decode("utf-8", errors="replace")
        else:
            text = request.POST.get("document", "")
            if len(text) > MAX_PASTE_BYTES:
                error, text = _("Le texte collé est trop long pour être un titre (256 Ko au plus)."), ""
        if not error and ob3.json_text_too_deep(text):
            # refused before parsing: the JSON parser recurses, and 100,000 × « [ » would exhaust it
            error = _(
                "Ce texte imbrique trop de niveaux (plus de %(n)s) pour être un titre : vérifiez le copier-coller."
            ) % {"n": ob3.MAX_DEPTH}
            text = ""
        if not error:
            try:
                document = json.loads(text)
                if not isinstance(document, dict):
                    raise ValueError
            except (ValueError, RecursionError):
                if _JWT_RE.match(text.strip()):
                    error = _(
                        "Ce titre est au format VC-JWT, que ce vérificateur ne lit pas : collez le titre au format "
                        "JSON, avec sa preuve intégrée (« proof »)."
                    )
                else:
                    error = _("Ce n'est pas un titre au format JSON : vérifiez le copier-coller.")
            else:
                verdict = verification.check(document)
    return render(request, "credentials/check.html", {"verdict": verdict, "error": error, "text": text})


@require_safe
def issuer(request: HttpRequest) -> HttpResponse:
    return _json(services.issuer_profile())


@require_safe
def status_list(request: HttpRequest) -> HttpResponse:
    try:
        return _json(services.status_list_credential())
    except services.SigningKeyMissing:
        response = HttpResponse(
            _("La liste des titres révoqués est momentanément indisponible. Réessayez plus tard."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "3600"
        return response


@login_required
@fragments.member_page("credentials.mine")
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    return _mine_page(request)


def _mine_page(
    request: HttpRequest,
    form: HouseCredentialForm | None = None,
    endorsement_form: HouseEndorsementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    credentials = [
        (credential, sharing.linkedin_url(credential))
        for credential in IssuedCredential.objects.filter(member=request.user)[:500]
    ]
    from_houses = HouseCredential.objects.filter(member=request.user).select_related("house")[:500]
    endorsements = HouseEndorsement.objects.filter(member=request.user).select_related(
        "house", "issued_credential", "house_credential"
    )[:500]
    context = {
        "credentials": credentials,
        "from_houses": from_houses,
        "form": form or HouseCredentialForm(),
        "endorsements": endorsements,
        "endorsement_form": endorsement_form or HouseEndorsementForm(),
    }
    return render(request, "credentials/mine.html", context, status=status)


@login_required
@require_POST
def add_house_credential(request: HttpRequest) -> HttpResponse:
    """A member adds a credential a registered house issued them: checked, then shown on their mini-site."""
    form = HouseCredentialForm(request.POST)
    if form.is_valid():
        try:
            document = form.cleaned_data["document"]
            credential = houses_services.add_house_credential(member=request.user, document=document)
        except Refused as error:
            form.add_error("document", str(error))
        else:
            messages.success(
                request,
                _("Titre de la maison « %(house)s » ajouté : votre mini-site le montre.") % {"house": credential.house},
            )
            return redirect("credentials:mine")
    return _mine_page(request, form=form)


@login_required
@require_POST
def add_house_endorsement(request: HttpRequest) -> HttpResponse:
    """A member adds a registered house's recommendation of one of their titles: checked, then on their mini-site."""
    form = HouseEndorsementForm(request.POST)
    if form.is_valid():
        try:
            document = form.cleaned_data["document"]
            endorsement = houses_services.add_house_endorsement(member=request.user, document=document)
        except Refused as error:
            form.add_error("document", str(error))
        else:
            messages.success(
                request,
                _("Recommandation de la maison « %(house)s » ajoutée : votre mini-site la montre.")
                % {"house": endorsement.house},
            )
            return redirect("credentials:mine")
    return _mine_page(request, endorsement_form=form)


@login_required
@require_POST
def remove_house_credential(request: HttpRequest, pk: int) -> HttpResponse:
    credential = get_object_or_404(HouseCredential.objects.select_related("house"), pk=pk, member=request.user)
    try:
        removed = houses_services.remove_house_credential(credential, by=request.user)
    except Refused as error:
        return refused(request, error, "credentials:mine")
    if removed:
        messages.success(
            request,
            ngettext(
                "Titre retiré de votre mini-site, avec la recommandation qui portait sur lui.",
                "Titre retiré de votre mini-site, avec les %(count)d recommandations qui portaient sur lui.",
                removed,
            )
            % {"count": removed},
        )
    else:
        messages.success(request, _("Titre retiré de votre mini-site."))
    return redirect("credentials:mine")


@login_required
@require_POST
def remove_house_endorsement(request: HttpRequest, pk: int) -> HttpResponse:
    endorsement = get_object_or_404(HouseEndorsement.objects.select_related("house"), pk=pk, member=request.user)
    try:
        houses_services.remove_house_endorsement(endorsement, by=request.user)
    except Refused as error:
        return refused(request, error, "credentials:mine")
    messages.success(request, _("Recommandation retirée de votre mini-site."))
    return redirect("credentials:mine")


@login_required
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    if request.method == "POST":
        if not verification.is_uuid(request.POST.get("uuid", "")):
            raise Http404
        credential = get_object_or_404(IssuedCredential, uuid=request.POST.get("uuid"))
        try:
            # Read through a form field: a NUL byte gets Django's message, not a database error.
            reason = forms.CharField(required=False).clean(request.POST.get("reason", ""))
            services.revoke(credential, by=request.user, reason=reason)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("credentials:staff")
        except Refused as error:
            return refused(request, error, "credentials:staff")
        messages.success(request, _("Titre révoqué : la liste de statut le dit désormais."))
        return redirect("credentials:staff")
    credentials = IssuedCredential.objects.select_related("member")[:200]
    return render(request, "credentials/staff.html", {"credentials": credentials})


@login_required
@require_POST
def rotate(request: HttpRequest) -> HttpResponse:
    require_team(request.user)
    services.rotate_key(by=request.user)
    messages.success(request, _("Nouvelle clé de signature ; les titres déjà émis restent vérifiables."))
    return redirect("credentials:staff")


@fragments.public_page("credentials.did")
@require_safe
def did_document(request: HttpRequest) -> HttpResponse:
    """The issuer's DID document: what makes `did:web:<this host>` resolvable by any verifier."""
    response = HttpResponse(
        json.dumps(services.did_document(), ensure_ascii=False, indent=2),
        content_type="application/did+ld+json; charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@fragments.member_page("credentials.houses")
@require_http_methods(["GET", "POST"])
def houses(request: HttpRequest) -> HttpResponse:
    """The team registers the other houses (instances of the platform) whose credentials verify here."""
    require_team(request.user)
    form = HouseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            house = services.register_house(by=request.user, **form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Maison « %(name)s » enregistrée.") % {"name": house.name})
            return redirect("credentials:houses")
    context = {"form": form, "houses": House.objects.all()[:200], "own": services.issuer_id()}
    return render(request, "credentials/houses.html", context)


@login_required
@require_POST
def remove_house(request: HttpRequest, pk: int) -> HttpResponse:
    require_team(request.user)
    house = get_object_or_404(House, pk=pk)
    try:
        services.remove_house(house, by=request.user)
    except Refused as error:
        return refused(request, error, "credentials:houses")
    messages.success(request, _("Maison retirée : ses titres ne sont plus reconnus ici."))
    return redirect("credentials:houses")
