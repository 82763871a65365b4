"""Coaching pages: members browse, book, move, cancel and confirm; coaches publish slots, recurrences and group
sessions and see their bookings; everyone has a private calendar feed. One view per action."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compagnons.accounts.models import User
from compagnons.apprenticeship.pairing import is_mentor_of
from compagnons.coaching import ical, services
from compagnons.coaching.forms import BookForm, BrowseForm, ConfirmForm, MoveForm, RecurrenceForm, SharingForm, SlotForm
from compagnons.coaching.models import Booking, CoachingProfile, Recurrence, Slot
from compagnons.coaching.permissions import (
    can_book,
    can_coach,
    get_booking_for_member,
    get_booking_for_party,
    get_slot_for_booker,
    get_slot_for_coach,
    require_booker,
    require_coach,
)
from compagnons.core import fragments
from compagnons.core.exceptions import Refused
from compagnons.core.ids import parse_page
from compagnons.core.refusals import refused

PER_PAGE = 20


def _page_of(queryset, page: int) -> tuple[list, bool]:
    """One query, no count over a million rows: the page's rows and whether another page follows."""
    rows = list(queryset[(page - 1) * PER_PAGE : page * PER_PAGE + 1])
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def _with_forms(bookings: list[Booking]) -> list[Booking]:
    """A confirmation form per booking, with ids of its own (several on one page, each label on its input)."""
    for booking in bookings:
        booking.confirm_form = ConfirmForm(auto_id=f"confirmer-{booking.pk}-%s")
    return bookings


# --- Members ----------------------------------------------------------------------------------------------------


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The way in from the header, for every signed-in person: members of the path go to the slots to book, coaches
    who do not book (the team) to their slots; anyone else (a donneur d'ordre) learns who coaching is for."""
    if can_book(request.user):
        return redirect("coaching:browse")
    if can_coach(request.user):
        return redirect("coaching:coach")
    return render(request, "coaching/index.html")


@login_required
@fragments.member_page("coaching.browse", filters=("topic", "day"))
@require_safe
def browse(request: HttpRequest) -> HttpResponse:
    require_booker(request.user)
    form = BrowseForm(request.GET or None)
    slots = Slot.objects.bookable().exclude(coach=request.user).select_related("coach")
    if form.is_bound and form.is_valid():
        if form.cleaned_data["topic"]:
            slots = slots.about(form.cleaned_data["topic"])
        if form.cleaned_data["day"]:
            day = timezone.make_aware(datetime.combine(form.cleaned_data["day"], datetime.min.time()), services.paris())
            slots = slots.filter(starts_at__gte=day)
    page = parse_page(request.GET.get("page"))
    rows, more = _page_of(slots.order_by("starts_at", "pk"), page)
    query = urlencode({k: v for k, v in request.GET.items() if k in ("topic", "day")})
    return render(
        request,
        "coaching/browse.html",
        {"form": form, "slots": rows, "page": page, "more": more, "query": query},
    )


@login_required
@require_safe
def slot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_slot_for_booker(request.user, pk)
    if slot.status != Slot.Status.OPEN and slot.coach_id != request.user.pk:
        raise Http404
    return render(request, "coaching/slot.html", {"slot": slot, "form": BookForm()})


@login_required
@require_POST
def book(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_slot_for_booker(request.user, pk)
    form = BookForm(request.POST)
    if not form.is_valid():
        return render(request, "coaching/slot.html", {"slot": slot, "form": form}, status=400)
    try:
        services.book(slot, by=request.user, note=form.cleaned_data["note"])
    except (Refused, ValueError) as error:
        messages.error(request, str(error))
        return render(request, "coaching/slot.html", {"slot": slot, "form": form}, status=409)
    messages.success(request, _("Séance réservée. Une invitation pour votre agenda vous a été envoyée par e-mail."))
    return redirect("coaching:my_bookings")


@login_required
@fragments.member_page("coaching.my_bookings")
@require_safe
def my_bookings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (can_book(user) or can_coach(user)):
        raise PermissionDenied
    now = timezone.now()
    mine = Booking.objects.filter(member=user).select_related("slot", "slot__coach")
    upcoming = list(mine.upcoming(now).order_by("slot__starts_at")[:50])
    to_confirm = list(
        mine.live()
        .filter(slot__starts_at__lte=now, credited_at__isnull=True, member_says="")
        .order_by("-slot__starts_at")[:20]
    )
    past = list(
        mine.filter(Q(status=Booking.Status.CANCELLED) | Q(slot__starts_at__lte=now))
        .exclude(pk__in=[b.pk for b in to_confirm])
        .order_by("-slot__starts_at")[:20]
    )
    return render(
        request,
        "coaching/my_bookings.html",
        {
            "upcoming": upcoming,
            "to_confirm": _with_forms(to_confirm),
            "past": past,
            "cap": settings.COACHING_MAX_OPEN_BOOKINGS,
            "deadline": settings.COACHING_CANCEL_DEADLINE_HOURS,
        },
    )


@login_required
@require_POST
def cancel_booking(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_booking_for_member(request.user, pk)
    try:
        services.cancel_booking(booking, by=request.user)
    except Refused as error:
        return refused(request, error, "coaching:my_bookings")
    messages.success(request, _("Réservation annulée. Votre coach est prévenu·e."))
    return redirect("coaching:my_bookings")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def move_booking(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_booking_for_member(request.user, pk)
    if booking.status != Booking.Status.BOOKED:
        raise Http404
    choices = list(
        Slot.objects.bookable()
        .filter(coach_id=booking.slot.coach_id)
        .select_related("coach")
        .exclude(pk=booking.slot_id)
        .order_by("starts_at")[:30]
    )
    if request.method == "POST":
        form = MoveForm(request.POST)
        if form.is_valid():
            target = get_object_or_404(Slot, pk=form.cleaned_data["slot"])
            try:
                services.move_booking(booking, target, by=request.user)
            except Refused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Séance déplacée. L'invitation de votre agenda est mise à jour."))
                return redirect("coaching:my_bookings")
    return render(request, "coaching/move.html", {"booking": booking, "choices": choices})


@login_required
@require_POST
def confirm_session(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_booking_for_party(request.user, pk)
    back = "coaching:coach" if booking.slot.coach_id == request.user.pk else "coaching:my_bookings"
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dites si la séance a eu lieu."))
        return redirect(back)
    try:
        services.confirm_session(
            booking, by=request.user, says=form.cleaned_data["says"], coach_note=form.cleaned_data["coach_note"]
        )
    except (Refused, ValueError) as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(request, _("Merci, c'est noté."))
    return redirect(back)


# --- Calendar feed and sharing --------------------------------------------------------------------------------------


@login_required
@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    if not (can_book(request.user) or can_coach(request.user)):
        raise PermissionDenied
    profile = services.profile_of(request.user)
    feed_url = request.build_absolute_uri(reverse("coaching:feed", args=[profile.feed_token]))
    return render(
        request,
        "coaching/calendar.html",
        {
            "profile": profile,
            "feed_url": feed_url,
            "sharing_form": SharingForm(initial={"share": profile.share_with_mentor}),
        },
    )


@login_required
@require_POST
def renew_feed(request: HttpRequest) -> HttpResponse:
    if not (can_book(request.user) or can_coach(request.user)):
        raise PermissionDenied
    services.renew_feed_token(by=request.user)
    messages.success(request, _("Nouvelle adresse créée : l'ancienne ne fonctionne plus."))
    return redirect("coaching:calendar")


@login_required
@require_POST
def sharing(request: HttpRequest) -> HttpResponse:
    if not can_book(request.user):
        raise PermissionDenied
    form = SharingForm(request.POST)
    form.is_valid()
    services.set_sharing(by=request.user, share=bool(form.cleaned_data.get("share")))
    messages.success(request, _("Votre choix est enregistré."))
    return redirect("coaching:calendar")


@fragments.public_page("coaching.feed")
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed: the token is the only key (no login: calendar applications fetch it on their own)."""
    if len(token) > 64:
        raise Http404
    profile = get_object_or_404(CoachingProfile.objects.select_related("user"), feed_token=token)
    if not profile.user.is_active:
        raise Http404
    response = HttpResponse(ical.feed(profile.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="coaching.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Coaches ------------------------------------------------------------------------------------------------------


@login_required
@fragments.member_page("coaching.coach")
@require_safe
def coach(request: HttpRequest) -> HttpResponse:
    require_coach(request.user)
    now = timezone.now()
    slots = list(
        Slot.objects.open()
        .filter(coach=request.user, starts_at__gt=now)
        .select_related("coach")
        .prefetch_related("bookings__member")
        .order_by("starts_at")[:40]
    )
    for slot in slots:
        slot.live_bookings = [b for b in slot.bookings.all() if b.status == Booking.Status.BOOKED]
    to_confirm = list(
        Booking.objects.live()
        .filter(slot__coach=request.user, slot__starts_at__lte=now, coach_says="", credited_at__isnull=True)
        .select_related("slot", "slot__coach", "member")
        .order_by("-slot__starts_at")[:20]
    )
    recurrences = list(
        Recurrence.objects.filter(coach=request.user, ended_at__isnull=True).order_by("-created_at")[:20]
    )
    return render(
        request,
        "coaching/coach.html",
        {"slots": slots, "to_confirm": _with_forms(to_confirm), "recurrences": recurrences},
    )


def _publish(request: HttpRequest, form_class, template: str, publish) -> HttpResponse:
    require_coach(request.user)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            publish(form)
        except (Refused, ValueError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("C'est publié : les membres peuvent réserver."))
            return redirect("coaching:coach")
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def slot_new(request: HttpRequest) -> HttpResponse:
    return _publish(
        request,
        SlotForm,
        "coaching/slot_new.html",
        lambda form: services.publish_slot(by=request.user, starts_at=form.starts_at(), **form.service_kwargs()),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def recurrence_new(request: HttpRequest) -> HttpResponse:
    return _publish(
        request,
        RecurrenceForm,
        "coaching/recurrence_new.html",
        lambda form: services.publish_recurrence(
            by=request.user, first_start=form.starts_at(), rrule=form.cleaned_data["rrule"], **form.service_kwargs()
        ),
    )


@login_required
@require_POST
def cancel_slot(request: HttpRequest, pk: int) -> HttpResponse:
    require_coach(request.user)
    slot = get_slot_for_coach(request.user, pk)
    try:
        services.cancel_slot(slot, by=request.user)
    except Refused as error:
        return refused(request, error, "coaching:coach")
    messages.success(request, _("Créneau annulé ; les personnes inscrites sont prévenues."))
    return redirect("coaching:coach")


@login_required
@require_POST
def end_recurrence(request: HttpRequest, pk: int) -> HttpResponse:
    require_coach(request.user)
    recurrence = get_object_or_404(Recurrence, pk=pk, coach=request.user)
    try:
        count = services.end_recurrence(recurrence, by=request.user)
    except Refused as error:
        return refused(request, error, "coaching:coach")
    messages.success(request, _("Récurrence arrêtée : %(n)s créneaux à venir annulés.") % {"n": count})
    return redirect("coaching:coach")


# --- Mentors ------------------------------------------------------------------------------------------------------


@login_required
@require_safe
def apprentice_coaching(request: HttpRequest, member_id: int) -> HttpResponse:
    """What coaching an apprentice received, for their mentor, if the apprentice chose to share it."""
    member = get_object_or_404(User, pk=member_id)
    if not is_mentor_of(request.user, member):
        raise Http404
    shared = CoachingProfile.objects.filter(user=member, share_with_mentor=True).exists()
    sessions = []
    if shared:
        sessions = list(
            Booking.objects.filter(member=member, credited_at__isnull=False)
            .select_related("slot", "slot__coach")
            .order_by("-slot__starts_at")[:50]
        )
    return render(request, "coaching/apprentice.html", {"member": member, "shared": shared, "sessions": sessions})
