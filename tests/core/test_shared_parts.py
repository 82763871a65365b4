"""The parts of core every app uses: one money format, one way to refuse, QR codes, PDFs."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import Context, Template
from django.test import RequestFactory

from compagnons.core import money
from compagnons.core.exceptions import InvalidTransition, PermissionRefused, Refused
from compagnons.core.pdf import render_pdf
from compagnons.core.qr import qr_data_uri
from compagnons.core.refusals import refused


@pytest.mark.parametrize(
    "cents, text",
    [
        (0, "0 €"),
        (50000, "500 €"),
        (250000, "2\u202f500 €"),
        (1250, "12,50 €"),
        (123456789, "1\u202f234\u202f567,89 €"),
        (-1250, "−12,50 €"),
        ("52500", "525 €"),
        (None, ""),
        ("abc", ""),
    ],
)
def test_one_money_format(cents, text):
    assert money.euros(cents) == text


def test_the_template_filter_writes_money_the_same_way():
    rendered = Template("{% load money %}{{ amount|euros }}").render(Context({"amount": 250050}))
    assert rendered == money.euros(250050) == "2\u202f500,50 €"


def test_both_refusals_share_one_base():
    assert issubclass(PermissionRefused, Refused) and issubclass(InvalidTransition, Refused)
    # What other code catches them as stays true.
    assert issubclass(PermissionRefused, PermissionError) and issubclass(InvalidTransition, ValueError)


def test_a_refusal_becomes_its_message_and_a_redirect():
    request = RequestFactory().post("/quelque-part/")
    request.session = {}
    request._messages = FallbackStorage(request)
    response = refused(request, InvalidTransition("Cette mission n'est plus ouverte."), "/missions/")
    assert response.status_code == 302 and response.url == "/missions/"
    assert [str(m) for m in get_messages(request)] == ["Cette mission n'est plus ouverte."]


def test_qr_codes_are_svg_data_uris():
    uri = qr_data_uri("https://exemple.test/verifier/1/")
    assert uri.startswith("data:image/svg+xml")
    assert qr_data_uri("a") != qr_data_uri("b")


def test_pdfs_are_real_pdfs(settings):
    settings.SITE_URL = "https://exemple.test"
    data = render_pdf("core/privacy.html", {})
    assert data.startswith(b"%PDF-") and len(data) > 1000


@pytest.mark.django_db
def test_the_team_rule_reads_the_same_on_one_user_and_in_a_query():
    from compagnons.accounts.models import User
    from compagnons.core.permissions import TEAM, is_team
    from tests.factories import UserFactory

    staff, former, member = UserFactory(), UserFactory(), UserFactory()
    User.objects.filter(pk__in=[staff.pk, former.pk]).update(is_staff=True)
    User.objects.filter(pk=former.pk).update(is_active=False)
    people = User.objects.filter(pk__in=[staff.pk, former.pk, member.pk])
    assert {u.pk for u in people if is_team(u)} == set(people.filter(TEAM).values_list("pk", flat=True)) == {staff.pk}
