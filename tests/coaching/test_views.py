"""Coaching pages: a happy path, a refused path and a bound on queries for each; bad input comes back with a French
message and the input kept."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.coaching import services
from compagnons.coaching.models import Booking, Recurrence, Slot, Topic
from tests.factories import UserFactory
from tests.factories.coaching import book, happened, paris_time, publish

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _slot_form(days=7, hour=18, **extra):
    day = timezone.localdate() + timedelta(days=days)
    data = {
        "date": day.isoformat(),
        "time": f"{hour:02d}:00",
        "duration_minutes": "45",
        "topics": [str(Topic.PITCH), str(Topic.PRIX)],
        "mode": "remote",
        "visio_url": "",
        "place": "",
        "capacity": "1",
        "title": "",
    }
    data.update(extra)
    return data


# --- Refused access, page by page -------------------------------------------------------------------------------

MEMBER_PAGES = ["coaching:browse", "coaching:my_bookings", "coaching:calendar"]
COACH_PAGES = ["coaching:coach", "coaching:slot_new", "coaching:recurrence_new"]


@pytest.mark.parametrize("name", MEMBER_PAGES + COACH_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_members_pages_refuse_outsiders(client, outsider, client_user, name):
    for who in (outsider, client_user):
        assert _login(client, who).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", COACH_PAGES)
def test_coach_pages_refuse_apprentices_and_outsiders(client, apprenti, outsider, name):
    for who in (apprenti, outsider):
        assert _login(client, who).get(reverse(name)).status_code == 403


def test_slot_and_move_pages_refuse_others(client, compagnon, apprenti, outsider):
    slot = publish(compagnon)
    booking = book(slot, apprenti)
    _login(client, outsider)
    assert client.get(reverse("coaching:slot", args=[slot.pk])).status_code == 403
    assert client.post(reverse("coaching:book", args=[slot.pk])).status_code == 403
    other = UserFactory(apprentice=True)
    _login(client, other)
    assert client.get(reverse("coaching:move_booking", args=[booking.pk])).status_code == 404
    assert client.post(reverse("coaching:cancel_booking", args=[booking.pk])).status_code == 404
    assert client.post(reverse("coaching:confirm", args=[booking.pk]), {"says": "held"}).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED


def test_coach_actions_refuse_another_coach(client, compagnon, formateur):
    slot = publish(compagnon)
    recurrence = services.publish_recurrence(
        by=compagnon, first_start=paris_time(days=3, hour=8), rrule="FREQ=WEEKLY;COUNT=2", duration_minutes=30, topics=1
    )
    _login(client, formateur)
    assert client.post(reverse("coaching:cancel_slot", args=[slot.pk])).status_code == 404
    assert client.post(reverse("coaching:end_recurrence", args=[recurrence.pk])).status_code == 404
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.OPEN


def test_the_apprentice_coaching_page_is_for_their_mentor_only(client, compagnon, apprenti, mentorship, outsider):
    url = reverse("coaching:apprentice", args=[apprenti.pk])
    assert _login(client, outsider).get(url).status_code == 404
    assert _login(client, compagnon).get(url).status_code == 200


def test_sharing_and_renewing_refuse_outsiders(client, outsider):
    _login(client, outsider)
    assert client.post(reverse("coaching:sharing"), {"share": "on"}).status_code == 403
    assert client.post(reverse("coaching:renew_feed")).status_code == 403


# --- Members -------------------------------------------------------------------------------------------------------


def test_browse_filters_by_topic_and_day_in_bounded_queries(
    client, compagnon, formateur, apprenti, django_assert_max_num_queries
):
    publish(compagnon, starts_at=paris_time(days=2, hour=9), topics=Topic.PITCH)
    publish(formateur, starts_at=paris_time(days=5, hour=9), topics=Topic.STATUT | Topic.PRIX)
    _login(client, apprenti)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("coaching:browse")).content.decode()
    assert compagnon.display_name in page and formateur.display_name in page
    page = client.get(reverse("coaching:browse"), {"topic": Topic.PRIX}).content.decode()
    assert formateur.display_name in page and compagnon.display_name not in page
    day = (timezone.localdate() + timedelta(days=4)).isoformat()
    page = client.get(reverse("coaching:browse"), {"day": day}).content.decode()
    assert formateur.display_name in page and compagnon.display_name not in page
    for n in range(10):
        publish(UserFactory(compagnon=True), starts_at=paris_time(days=3, hour=8 + n))
    with django_assert_max_num_queries(8):
        client.get(reverse("coaching:browse"))


def test_browse_with_bad_filters_still_answers(client, apprenti):
    response = _login(client, apprenti).get(reverse("coaching:browse"), {"topic": "x", "day": "hier", "page": "²"})
    assert response.status_code == 200


def test_booking_from_the_slot_page(client, compagnon, apprenti):
    slot = publish(compagnon)
    _login(client, apprenti)
    assert client.get(reverse("coaching:slot", args=[slot.pk])).status_code == 200
    response = client.post(reverse("coaching:book", args=[slot.pk]), {"note": "Mon pitch de 30 secondes"})
    assert response.status_code == 302
    assert Booking.objects.get().note == "Mon pitch de 30 secondes"


def test_booking_a_full_slot_says_why_and_keeps_the_note(client, compagnon, apprenti):
    slot = publish(compagnon)
    book(slot, UserFactory(apprentice=True))
    response = _login(client, apprenti).post(reverse("coaching:book", args=[slot.pk]), {"note": "Mes tarifs"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "complet" in page and "Mes tarifs" in page


def test_booking_a_cancelled_slot_says_so(client, compagnon, apprenti):
    slot = publish(compagnon)
    services.cancel_slot(slot, by=compagnon)
    response = _login(client, apprenti).post(reverse("coaching:book", args=[slot.pk]), {"note": ""})
    assert "annulé" in response.content.decode()


def test_my_bookings_in_bounded_queries(client, compagnon, apprenti, django_assert_max_num_queries, settings):
    settings.COACHING_MAX_OPEN_BOOKINGS = 20
    _login(client, apprenti)
    book(publish(compagnon, starts_at=paris_time(hour=8)), apprenti)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("coaching:my_bookings")).status_code == 200
    for hour in range(9, 15):
        slot = publish(UserFactory(compagnon=True), starts_at=paris_time(hour=hour))
        book(slot, apprenti)
    happened(publish(compagnon, starts_at=paris_time(hour=20)))
    with django_assert_max_num_queries(9):
        page = client.get(reverse("coaching:my_bookings")).content.decode()
    assert page.count("Déplacer") >= 7


def test_cancelling_too_late_shows_the_message_and_keeps_the_booking(client, compagnon, apprenti):
    booking = book(publish(compagnon, starts_at=timezone.now() + timedelta(hours=5)), apprenti)
    response = _login(client, apprenti).post(reverse("coaching:cancel_booking", args=[booking.pk]), follow=True)
    assert "Trop tard" in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED


def test_moving_from_the_move_page(client, compagnon, apprenti, django_assert_max_num_queries):
    first = publish(compagnon, starts_at=paris_time(hour=9))
    second = publish(compagnon, starts_at=paris_time(hour=10))
    booking = book(first, apprenti)
    _login(client, apprenti)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("coaching:move_booking", args=[booking.pk])).status_code == 200
    response = client.post(reverse("coaching:move_booking", args=[booking.pk]), {"slot": second.pk})
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).slot == second


def test_confirming_from_both_pages(client, compagnon, apprenti):
    slot = publish(compagnon)
    booking = book(slot, apprenti)
    happened(slot)
    _login(client, apprenti)
    assert "La séance a-t-elle eu lieu" in client.get(reverse("coaching:my_bookings")).content.decode()
    client.post(reverse("coaching:confirm", args=[booking.pk]), {"says": "held"})
    _login(client, compagnon)
    assert "La séance a-t-elle eu lieu" in client.get(reverse("coaching:coach")).content.decode()
    client.post(reverse("coaching:confirm", args=[booking.pk]), {"says": "held", "coach_note": "Beau travail"})
    booking.refresh_from_db()
    assert booking.credited_at and booking.coach_note == "Beau travail"
    _login(client, apprenti)
    assert "<blockquote>Beau travail</blockquote>" in client.get(reverse("coaching:my_bookings")).text, (
        "the coach's note reaches the member"
    )


def test_calendar_page_and_sharing(client, apprenti, django_assert_max_num_queries):
    _login(client, apprenti)
    client.get(reverse("coaching:calendar"))
    with django_assert_max_num_queries(6):
        page = client.get(reverse("coaching:calendar")).content.decode()
    assert services.profile_of(apprenti).feed_token in page
    client.post(reverse("coaching:sharing"), {"share": "on"})
    assert services.profile_of(apprenti).share_with_mentor


def test_the_mentor_sees_shared_sessions_only(client, compagnon, apprenti, mentorship, formateur):
    slot = publish(formateur, title="")
    booking = book(slot, apprenti)
    happened(slot)
    services.confirm_session(booking, by=apprenti, says="held")
    services.confirm_session(booking, by=formateur, says="held", coach_note="Un pitch clair")
    _login(client, compagnon)
    url = reverse("coaching:apprentice", args=[apprenti.pk])
    assert "Un pitch clair" not in client.get(url).content.decode()
    services.set_sharing(by=apprenti, share=True)
    assert "Un pitch clair" in client.get(url).content.decode()


# --- Coaches -------------------------------------------------------------------------------------------------------


def test_publishing_a_slot_from_the_form(client, compagnon):
    response = _login(client, compagnon).post(reverse("coaching:slot_new"), _slot_form())
    assert response.status_code == 302
    slot = Slot.objects.get()
    assert slot.topics == Topic.PITCH | Topic.PRIX
    assert timezone.localtime(slot.starts_at).hour == 18


def test_a_slot_in_the_past_comes_back_with_the_input(client, compagnon):
    response = _login(client, compagnon).post(reverse("coaching:slot_new"), _slot_form(days=-1, title="Gardé"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "dans le passé" in page and 'value="Gardé"' in page
    assert not Slot.objects.exists()


def test_an_overlapping_slot_comes_back_with_a_message(client, compagnon):
    _login(client, compagnon).post(reverse("coaching:slot_new"), _slot_form())
    response = client.post(reverse("coaching:slot_new"), _slot_form())
    assert response.status_code == 400 and "chevauche" in response.content.decode()
    assert Slot.objects.count() == 1


def test_a_group_session_from_the_form(client, formateur):
    _login(client, formateur).post(reverse("coaching:slot_new"), _slot_form(capacity="8", title="Permanence du jeudi"))
    assert Slot.objects.get().capacity == 8


def test_publishing_a_recurrence_and_refusing_an_endless_one(client, compagnon):
    _login(client, compagnon)
    response = client.post(reverse("coaching:recurrence_new"), _slot_form(rrule="FREQ=WEEKLY"))
    assert response.status_code == 400 and "ne finit jamais" in response.content.decode()
    assert 'value="FREQ=WEEKLY"' in response.content.decode()
    response = client.post(reverse("coaching:recurrence_new"), _slot_form(rrule="FREQ=WEEKLY;COUNT=5"))
    assert response.status_code == 302
    assert Recurrence.objects.get().slots.count() == 5


def test_the_coach_page_in_bounded_queries(client, compagnon, django_assert_max_num_queries):
    _login(client, compagnon)
    publish(compagnon, starts_at=paris_time(hour=6))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("coaching:coach")).status_code == 200
    for hour in range(7, 15):
        book(
            publish(compagnon, starts_at=paris_time(hour=hour), capacity=2, title="Groupe"),
            UserFactory(apprentice=True),
        )
    with django_assert_max_num_queries(10):
        assert client.get(reverse("coaching:coach")).status_code == 200
    for name in ("coaching:slot_new", "coaching:recurrence_new"):
        with django_assert_max_num_queries(5):
            assert client.get(reverse(name)).status_code == 200


def test_cancelling_a_slot_and_ending_a_recurrence(client, compagnon):
    slot = publish(compagnon)
    recurrence = services.publish_recurrence(
        by=compagnon, first_start=paris_time(days=3, hour=8), rrule="FREQ=WEEKLY;COUNT=2", duration_minutes=30, topics=1
    )
    _login(client, compagnon)
    client.post(reverse("coaching:cancel_slot", args=[slot.pk]))
    client.post(reverse("coaching:end_recurrence", args=[recurrence.pk]))
    assert not Slot.objects.open().exists()


# --- « Mon espace » ------------------------------------------------------------------------------------------------


def test_the_dashboard_panel_links_the_pages(client, compagnon, apprenti, outsider):
    book(publish(compagnon), apprenti)
    page = _login(client, apprenti).get(reverse("accounts:dashboard")).content.decode()
    assert reverse("coaching:browse") in page and reverse("coaching:my_bookings") in page
    page = _login(client, compagnon).get(reverse("accounts:dashboard")).content.decode()
    assert reverse("coaching:coach") in page and apprenti.display_name in page
    page = _login(client, outsider).get(reverse("accounts:dashboard")).content.decode()
    assert reverse("coaching:coach") not in page


def test_the_mentor_finds_the_shared_coaching_from_mon_espace(client, compagnon, apprenti, mentorship):
    url = reverse("coaching:apprentice", args=[apprenti.pk])
    assert url not in _login(client, compagnon).get(reverse("accounts:dashboard")).content.decode()
    services.set_sharing(by=apprenti, share=True)
    assert url in client.get(reverse("accounts:dashboard")).content.decode()


def test_slot_and_mentor_pages_in_bounded_queries(
    client, compagnon, apprenti, mentorship, formateur, django_assert_max_num_queries
):
    slot = publish(formateur)
    _login(client, apprenti)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("coaching:slot", args=[slot.pk])).status_code == 200
    services.set_sharing(by=apprenti, share=True)
    for hour in range(8, 14):
        done = publish(UserFactory(compagnon=True), starts_at=paris_time(hour=hour))
        booking = book(done, apprenti) if hour < 10 else None
        if booking:
            happened(done, hours_ago=30 - hour)
            services.confirm_session(booking, by=apprenti, says="held")
            services.confirm_session(booking, by=done.coach, says="held")
    _login(client, compagnon)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("coaching:apprentice", args=[apprenti.pk])).content.decode()
    assert page.count("<li>") >= 2


def test_a_nearly_full_group_session_is_a_way_to_give_back(compagnon, formateur, apprenti):
    from compagnons.coaching.panels import give_back

    assert [w.count for w in give_back(compagnon)] == [0]
    slot = publish(formateur, capacity=2)
    book(slot, apprenti)
    assert [w.count for w in give_back(compagnon)] == [1]
    assert give_back(apprenti) == []


def test_each_confirmation_form_has_ids_of_its_own(client, compagnon):
    bookings = []
    for hour in (8, 10):
        slot = publish(compagnon, starts_at=paris_time(hour=hour))
        bookings.append(book(slot, UserFactory(apprentice=True)))
        happened(slot, hours_ago=hour)
    page = _login(client, compagnon).get(reverse("coaching:coach")).content.decode()
    for booking in bookings:
        assert page.count(f'id="confirmer-{booking.pk}-says_0"') == 1


def test_the_attendance_sheet_lists_confirmed_coaching(client, compagnon, apprenti, enrolled):
    slot = publish(compagnon, minutes=45)
    booking = book(slot, apprenti)
    happened(slot)
    services.confirm_session(booking, by=apprenti, says="held")
    services.confirm_session(booking, by=compagnon, says="held")
    _login(client, apprenti)
    page = client.get(reverse("quality:attendance", args=[apprenti.pk])).content.decode()
    assert "séance de coaching confirmée" in page and compagnon.display_name in page
    pdf = client.get(reverse("quality:attendance_pdf", args=[apprenti.pk]))
    assert pdf.status_code == 200
