from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.core import fragments, frames
from compagnons.core.exceptions import InvalidTransition, Refused
from compagnons.core.refusals import refused
from compagnons.core.views import client_ip
from compagnons.showcase import brochure as brochures
from compagnons.showcase import directory as directory_pages
from compagnons.showcase import permissions, services, share, site
from compagnons.showcase.cards import page_of_cards
from compagnons.showcase.forms import (
    ContactForm,
    DirectoryForm,
    IdentityForm,
    InviteForm,
    LookForm,
    PitchForm,
    PortfolioForm,
    ReviewerForm,
    ReviewForm,
    ServiceForm,
    WayForm,
)
from compagnons.showcase.models import Brochure, ContactMessage, Pitch, Profile

STEPS = [
    (1, gettext_lazy("Qui je suis")),
    (2, gettext_lazy("Mes prestations")),
    (3, gettext_lazy("Comment je travaille")),
    (4, gettext_lazy("Mes réalisations")),
    (5, gettext_lazy("Photo et style")),
]


def _noindex(response: HttpResponse) -> HttpResponse:
    """Search engines keep out of a page not (or no longer) published: the preview, the editor."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _published(slug: str) -> Profile:
    return get_object_or_404(Profile.objects.published().select_related("member"), slug=slug)


def _photo_url(request: HttpRequest, profile: Profile) -> str:
    return request.build_absolute_uri(profile.photo.url) if profile.photo else ""


# --- The editor ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def editor(request: HttpRequest, step: int = 0) -> HttpResponse:
    """A few steps, each saved on its own: one can stop and resume."""
    permissions.require_page_holder(request.user)
    profile = services.profile_of(request.user)
    if step == 0:
        return redirect("showcase:step", step=profile.step)
    if step not in dict(STEPS):
        raise Http404
    form, extra = None, {}
    post = request.POST if request.method == "POST" else None
    if step == 1:
        form = IdentityForm(post, instance=profile)
    elif step == 3:
        form = WayForm(post, instance=profile)
    elif step == 2:
        form = ServiceForm(post)
        extra["services_list"] = profile.services.all()
    elif step == 4:
        form = PortfolioForm(post, request.FILES or None)
        extra["portfolio"] = profile.portfolio.all()
    elif step == 5:
        form = LookForm(post, request.FILES or None, initial={"theme": profile.theme})
    if request.method == "POST":
        if "delete_service" in request.POST:
            services.remove_service(profile, request.POST["delete_service"], by=request.user)
            return redirect("showcase:step", step=step)
        if "delete_item" in request.POST:
            services.remove_portfolio_item(profile, request.POST["delete_item"], by=request.user)
            return redirect("showcase:step", step=step)
        if form.is_valid():
            try:
                _save_step(step, form, profile, request)
            except Refused as error:
                form.add_error(None, str(error))
            else:
                if "add" in request.POST:
                    return redirect("showcase:step", step=step)
                next_step = min(step + 1, len(STEPS))
                services.reach_step(profile, next_step)
                if "later" in request.POST:
                    messages.success(request, _("C'est enregistré : vous reprendrez ici."))
                    return redirect("accounts:dashboard")
                if step == len(STEPS):
                    return redirect("showcase:preview")
                return redirect("showcase:step", step=next_step)
    return _noindex(
        render(
            request, "showcase/editor.html", {"profile": profile, "form": form, "step": step, "steps": STEPS, **extra}
        )
    )


def _save_step(step: int, form, profile: Profile, request) -> None:
    if step in (1, 3):
        form.save()
    elif step == 2:
        data = form.cleaned_data
        services.add_service(
            profile,
            by=request.user,
            title=data["title"],
            description=data["description"],
            price_cents=int(data["price"] * 100),
            unit=data["unit"],
            hours=data["hours"],
        )
    elif step == 4:
        data = form.cleaned_data
        services.add_portfolio_item(
            profile,
            by=request.user,
            title=data["title"],
            description=data["description"],
            link=data["link"],
            upload=data["file"],
        )
    elif step == 5:
        if form.cleaned_data["photo"]:
            services.set_photo(profile, form.cleaned_data["photo"], by=request.user)
        services.set_theme(profile, form.cleaned_data["theme"], by=request.user)


@login_required
@fragments.member_page("showcase.preview")
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest) -> HttpResponse:
    profile = permissions.get_profile_for_owner(request.user)
    profile.member = request.user
    reviewer_form = ReviewerForm(request.POST if "ask_review" in request.POST else None, member=request.user)
    if request.method == "POST":
        try:
            if "publish" in request.POST:
                services.publish(profile, by=request.user)
                messages.success(request, _("Votre page est en ligne."))
            elif "unpublish" in request.POST:
                services.unpublish(profile, by=request.user)
                messages.success(request, _("Votre page est retirée : elle n'est plus visible."))
            elif "ask_review" in request.POST and reviewer_form.is_valid():
                services.ask_page_review(profile, reviewer_form.cleaned_data["reviewer"], by=request.user)
                messages.success(request, _("Demande de relecture envoyée."))
        except Refused as error:
            return refused(request, error, "showcase:preview")
        return redirect("showcase:preview")
    context = site.page_context(profile)
    context.update({"preview": True, "reviewer_form": reviewer_form})
    return _noindex(render(request, "showcase/preview.html", context))


# --- Public page, contact, directory ------------------------------------------------------------


@fragments.public_page("minisite")
@require_http_methods(["GET", "POST"])
def public(request: HttpRequest, slug: str) -> HttpResponse:
    profile = _published(slug)
    form = ContactForm(request.POST if "contact" in request.POST else None)
    invite_form = None
    if permissions.can_invite(request.user, profile):
        invite_form = InviteForm(request.POST if "invite" in request.POST else None, client=request.user)
    if request.method == "POST":
        if "contact" in request.POST and form.is_valid():
            try:
                services.send_contact(
                    profile,
                    name=form.cleaned_data["sender_name"],
                    email=form.cleaned_data["sender_email"],
                    body=form.cleaned_data["body"],
                    ip=client_ip(request),
                )
            except Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Message envoyé. Merci !"))
                return redirect(profile)
        elif "invite" in request.POST and invite_form is not None and invite_form.is_valid():
            try:
                services.invite(profile, invite_form.cleaned_data["mission"], by=request.user)
            except Refused as error:
                return refused(request, error, profile)
            messages.success(request, _("Invitation envoyée."))
            return redirect(profile)
    context = site.page_context(profile)
    page_url = request.build_absolute_uri(profile.get_absolute_url())
    photo_url = _photo_url(request, profile)
    share_url = reverse("showcase:share_image", args=[profile.slug])
    context.update(
        {
            "form": form,
            "invite_form": invite_form,
            "page_url": page_url,
            "share_image_url": request.build_absolute_uri(f"{share_url}?v={share.share_fingerprint(profile)}"),
            "jsonld": mark_safe(  # noqa: S308 — escaped for a <script> element by script_json
                site.script_json(
                    site.person_jsonld(
                        profile,
                        page_url=page_url,
                        photo_url=photo_url,
                        credentials=context["credentials"],
                        attested=context["attested"],
                        services_list=context["services_list"],
                    )
                )
            ),
        }
    )
    return render(request, "showcase/public.html", context)


@require_safe
def share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The preview image of a shared link (Open Graph, Twitter card): drawn once per state of the page, published
    pages only."""
    profile = _published(slug)
    response = HttpResponse(share.share_image(profile), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def vcard(request: HttpRequest, slug: str) -> HttpResponse:
    """The page as a contact card (vCard 4.0), without the e-mail address the page hides."""
    profile = _published(slug)
    text = site.vcard(
        profile,
        page_url=request.build_absolute_uri(profile.get_absolute_url()),
        photo_url=_photo_url(request, profile),
    )
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{profile.slug}.vcf"'
    return response


@fragments.public_page("directory")
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    ids = directory_pages.ranked_ids(
        trade=filters.get("trade", ""),
        competence=filters.get("competence"),
        region=filters.get("region", ""),
        language=filters.get("language", ""),
        available=filters.get("available", False),
    )
    page = Paginator(ids, 24).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "cards": page_of_cards(list(page.object_list)), "query": query.urlencode()}
    return frames.render(request, "showcase/directory.html", context)


# --- Brochure, pitch, reviews, messages ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def brochure(request: HttpRequest) -> HttpResponse:
    profile = permissions.get_profile_for_owner(request.user)
    if request.method == "POST":
        services.request_brochure(profile, by=request.user)
        return redirect("showcase:brochure")
    current = Brochure.objects.filter(profile=profile).first()
    return render(
        request,
        "showcase/brochure_page.html",
        {
            "brochure": current,
            "working": current is not None and current.working,
            "up_to_date": current is not None and current.fingerprint == brochures.fingerprint(profile),
        },
    )


@login_required
@require_safe
def brochure_file(request: HttpRequest) -> FileResponse:
    current = permissions.get_ready_brochure_for_owner(request.user)
    return FileResponse(current.file.open("rb"), as_attachment=True, filename=f"plaquette-{current.profile.slug}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def pitch(request: HttpRequest) -> HttpResponse:
    permissions.require_page_holder(request.user)
    latest = Pitch.objects.filter(member=request.user).first()
    form = PitchForm(request.POST if "save" in request.POST else None, instance=None, initial=_pitch_initial(latest))
    reviewer_form = ReviewerForm(request.POST if "ask_review" in request.POST else None, member=request.user)
    if request.method == "POST":
        try:
            if "save" in request.POST and form.is_valid():
                answers = {k: form.cleaned_data[k] for k in ("who", "what", "for_whom", "different", "proof")}
                services.save_pitch(request.user, answers=answers, text=form.cleaned_data["text"])
                messages.success(request, _("Nouvelle version enregistrée."))
                return redirect("showcase:pitch")
            if "ask_review" in request.POST and reviewer_form.is_valid() and latest:
                services.ask_pitch_review(latest, reviewer_form.cleaned_data["reviewer"], by=request.user)
                messages.success(request, _("Demande de relecture envoyée."))
                return redirect("showcase:pitch")
        except Refused as error:
            return refused(request, error, "showcase:pitch")
    versions = Pitch.objects.filter(member=request.user).select_related("reviewer")[:20]
    return render(
        request,
        "showcase/pitch.html",
        {"form": form, "reviewer_form": reviewer_form, "versions": versions, "latest": latest},
    )


def _pitch_initial(latest: Pitch | None) -> dict:
    if latest is None:
        return {}
    return {k: getattr(latest, k) for k in ("who", "what", "for_whom", "different", "proof", "text")}


@login_required
@require_safe
def reviews(request: HttpRequest) -> HttpResponse:
    """What others asked this compagnon to read: pages and pitches."""
    pages = Profile.objects.filter(review_requested_from=request.user, reviewed_at__isnull=True).select_related(
        "member"
    )
    pitches = Pitch.objects.filter(reviewer=request.user, status=Pitch.Status.IN_REVIEW).select_related("member")
    return render(request, "showcase/reviews.html", {"pages": pages, "pitches": pitches, "form": ReviewForm()})


@login_required
@require_POST
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    profile = permissions.get_page_review_for_reviewer(request.user, pk)
    form = ReviewForm(request.POST)
    try:
        services.review_page(
            profile, by=request.user, comment=request.POST.get("comment", "") if form.is_valid() else ""
        )
    except Refused as error:
        return refused(request, error, "showcase:reviews")
    messages.success(request, _("Merci pour votre relecture."))
    return redirect("showcase:reviews")


@login_required
@require_POST
def review_pitch(request: HttpRequest, pk: int) -> HttpResponse:
    item = permissions.get_pitch_review_for_reviewer(request.user, pk)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidTransition(_("Écrivez votre commentaire."))
        item = services.review_pitch(
            item, by=request.user, comment=form.cleaned_data["comment"], approve=form.cleaned_data["approve"]
        )
    except Refused as error:
        return refused(request, error, "showcase:reviews")
    messages.success(request, _("Merci pour votre relecture."))
    if not item.credited:
        messages.info(
            request,
            _(
                "Vos relectures du pitch d'une même personne comptent une fois par mois : "
                "celle-ci est bien transmise, sans nouvelles minutes."
            ),
        )
    return redirect("showcase:reviews")


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    received = ContactMessage.objects.filter(profile__member=request.user)[:100]
    return render(request, "showcase/inbox.html", {"received": received})
