"""The public list of missions pages with the shared pager (`core/_pager.html`), keeping the filters."""

import pytest
from django.urls import reverse
from django.utils import timezone

from compagnons.missions.models import Mission
from compagnons.missions.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def test_the_list_uses_the_shared_pager_and_keeps_the_filters(client, make_mission):
    for n in range(PAGE_SIZE + 1):
        make_mission(title=f"Mission {n}")
    Mission.objects.update(status=Mission.Status.PUBLISHED, published_at=timezone.now())
    response = client.get(reverse("missions:list"), {"q": "Mission"})
    html = response.content.decode()
    assert "core/_pager.html" in [t.name for t in response.templates]
    assert "Page 1 sur 2" in html
    assert "?q=Mission&amp;page=2" in html
    assert "Page 2 sur 2" in client.get(reverse("missions:list"), {"q": "Mission", "page": 2}).content.decode()


def test_amounts_are_written_by_the_one_money_formatter(client, published):
    """« 3 000 € » with a narrow no-break space between thousands (core.money.euros), cents only when there are."""
    mission = published(euros=3001, hours=100)
    html = client.get(reverse("missions:detail", args=[mission.pk])).content.decode()
    assert "3\u202f001 €" in html
    assert "30,01 €" in html  # the hourly rate: 300 100 cents // 100 hours
