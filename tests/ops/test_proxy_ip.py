"""The client IP recorded on mentoring sessions (issue 23), read the proxy-aware way: behind our proxies
(BEHIND_PROXY, TRUSTED_PROXY_COUNT → ALLAUTH_TRUSTED_PROXY_COUNT) the address the last trusted proxy saw, never an
entry the visitor could write; without a proxy, the connection's address (X-Forwarded-For is then ignored)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.apprenticeship.models import MentoringSession

FORWARDED = "10.6.6.6, 203.0.113.7"  # the first entry is the visitor's own claim; nginx appended the second


def log_and_confirm(client, mentorship, apprenti, compagnon, **headers):
    client.force_login(compagnon)
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    url = reverse("apprenticeship:session_new", args=[mentorship.pk])
    data = {"date": day, "duration_minutes": "60", "mode": "phone", "notes": "Devis"}
    assert client.post(url, data, REMOTE_ADDR="127.0.0.1", **headers).status_code == 302
    session = MentoringSession.objects.get()
    client.force_login(apprenti)
    confirm = reverse("apprenticeship:session_confirm", args=[session.pk])
    assert client.post(confirm, REMOTE_ADDR="127.0.0.1", **headers).status_code == 302
    session.refresh_from_db()
    return session


@pytest.mark.django_db
def test_behind_the_proxy_the_session_records_the_address_the_proxy_saw(
    client, settings, mentorship, apprenti, compagnon
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    session = log_and_confirm(client, mentorship, apprenti, compagnon, HTTP_X_FORWARDED_FOR=FORWARDED)
    assert (session.logged_ip, session.confirmed_ip) == ("203.0.113.7", "203.0.113.7")


@pytest.mark.django_db
def test_behind_two_proxies_the_second_last_entry_counts(client, settings, mentorship, apprenti, compagnon):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    session = log_and_confirm(client, mentorship, apprenti, compagnon, HTTP_X_FORWARDED_FOR=FORWARDED + ", 10.0.0.2")
    assert session.logged_ip == "203.0.113.7"


@pytest.mark.django_db
def test_without_a_proxy_a_forwarded_header_is_not_believed(client, settings, mentorship, apprenti, compagnon):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    session = log_and_confirm(client, mentorship, apprenti, compagnon, HTTP_X_FORWARDED_FOR=FORWARDED)
    assert (session.logged_ip, session.confirmed_ip) == ("127.0.0.1", "127.0.0.1")
