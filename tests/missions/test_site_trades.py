"""Each site shows its chosen métiers' missions first (issue 19, docs/sites.md): missions' own per-site preference,
keyed by core's site."""

import pytest
from django.urls import reverse

from compagnons.core.exceptions import PermissionRefused
from compagnons.core.models import AuditLog
from compagnons.missions import services
from compagnons.missions.models import Mission
from compagnons.skills.models import Trade

pytestmark = pytest.mark.django_db


@pytest.fixture
def trades(db):
    return list(Trade.objects.order_by("rome_code")[:2])


def test_each_site_lists_its_chosen_trades_missions_first(
    client, south, published, trades, formateur, django_assert_max_num_queries
):
    first, second = trades
    older = published(title="Mission du second métier", trade=second)
    newer = published(title="Mission du premier métier", trade=first)
    plain = published(title="Mission sans métier")
    services.set_site_trades(south, [second], by=formateur)

    client.get(reverse("missions:list"), HTTP_HOST="sud.example")
    with django_assert_max_num_queries(6):
        south_page = client.get(reverse("missions:list"), HTTP_HOST="sud.example")
    default_page = client.get(reverse("missions:list"))

    assert [m.pk for m in south_page.context["page"]] == [older.pk, plain.pk, newer.pk]
    assert [m.pk for m in default_page.context["page"]] == [plain.pk, newer.pk, older.pk]  # newest first
    assert AuditLog.objects.filter(action="missions.site_trades", actor=formateur).exists()
    assert Mission.objects.published().count() == 3


def test_a_changed_choice_shows_at_once_even_from_the_page_cache(
    client, south, published, trades, formateur, settings, django_capture_on_commit_callbacks
):
    settings.FRAGMENT_CACHE = True
    first, second = trades
    published(title="Premier", trade=first)
    published(title="Second", trade=second)
    services.set_site_trades(south, [first], by=formateur)
    for _ in range(2):  # computed, then from the cache
        page = client.get(reverse("missions:list"), HTTP_HOST="sud.example").text
        assert page.index("Premier") < page.index("Second")
    with django_capture_on_commit_callbacks(execute=True):  # the page cache learns of writes once committed
        services.set_site_trades(south, [second], by=formateur)
    page = client.get(reverse("missions:list"), HTTP_HOST="sud.example").text
    assert page.index("Second") < page.index("Premier")


@pytest.mark.parametrize("who", ["apprenti", "compagnon", "client_user"])
def test_members_cannot_choose_a_sites_trades(request, south, trades, who):
    with pytest.raises(PermissionRefused):
        services.set_site_trades(south, trades, by=request.getfixturevalue(who))
