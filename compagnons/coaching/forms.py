from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compagnons.coaching.models import Booking, Mode, Topic
from compagnons.coaching.services import MAX_CAPACITY, MAX_MINUTES, MIN_MINUTES, paris


class SlotForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Heure (heure de Paris)"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=MIN_MINUTES, max_value=MAX_MINUTES, initial=45
    )
    topics = forms.TypedMultipleChoiceField(
        label=_("Sujets"), choices=Topic.choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    mode = forms.ChoiceField(label=_("Format"), choices=Mode.choices, initial=Mode.REMOTE, widget=forms.RadioSelect)
    visio_url = forms.URLField(
        label=_("Lien de visio (facultatif)"),
        required=False,
        assume_scheme="https",
        help_text=_("Laissez vide : un salon Jitsi Meet au nom impossible à deviner est créé pour vous."),
    )
    place = forms.CharField(label=_("Lieu (sur place)"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=1,
        help_text=_("1 : séance individuelle. Plus : séance collective, ouverte à tous."),
    )
    title = forms.CharField(
        label=_("Titre (séance collective)"),
        max_length=120,
        required=False,
        help_text=_("Par exemple « Permanence du jeudi »."),
    )

    def starts_at(self) -> datetime:
        local = datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(local, paris())

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "duration_minutes": data["duration_minutes"],
            "topics": sum(data["topics"]),
            "mode": data["mode"],
            "place": data["place"],
            "visio_url": data["visio_url"],
            "capacity": data["capacity"],
            "title": data["title"],
        }


class RecurrenceForm(SlotForm):
    date = forms.DateField(label=_("Première date"), widget=forms.DateInput(attrs={"type": "date"}))
    rrule = forms.CharField(
        label=_("Règle de récurrence (RFC 5545)"),
        max_length=300,
        initial="FREQ=WEEKLY;COUNT=8",
        help_text=_(
            "Par exemple FREQ=WEEKLY;COUNT=8 (huit semaines) ou FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630. "
            "Une fin est obligatoire, un an au plus."
        ),
    )


class BrowseForm(forms.Form):
    topic = forms.TypedChoiceField(
        label=_("Sujet"),
        choices=[("", _("Tous les sujets")), *Topic.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    day = forms.DateField(label=_("À partir du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class BookForm(forms.Form):
    note = forms.CharField(
        label=_("Ce que vous aimeriez aborder (facultatif)"), max_length=500, required=False, widget=forms.Textarea
    )


class MoveForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)


class ConfirmForm(forms.Form):
    says = forms.ChoiceField(
        label=_("La séance"),
        choices=[
            (Booking.Attendance.HELD, _("a eu lieu")),
            (Booking.Attendance.NO_SHOW, _("n'a pas eu lieu (absence)")),
        ],
        widget=forms.RadioSelect,
    )
    coach_note = forms.CharField(
        label=_("Un mot pour la personne accompagnée (facultatif)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea,
    )


class SharingForm(forms.Form):
    share = forms.BooleanField(label=_("Partager mes séances de coaching avec mon compagnon"), required=False)
