"""core.pagination.CountedPaginator: the same pages as Django's Paginator, the total read with the page's rows in
one query; past the end or on nothing found, Django's own fallback (the last page, or an empty first page)."""

import pytest
from django.core.paginator import Paginator

from compagnons.core.pagination import CountedPaginator
from compagnons.missions.models import Mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def missions(make_mission):
    for number in range(5):
        make_mission(title=f"Mission {number}")
    return Mission.objects.order_by("-pk")


def _seen(page) -> tuple:
    return (
        [m.pk for m in page.object_list],
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
        page.has_next(),
        page.has_previous(),
    )


@pytest.mark.parametrize("number", [1, 2, 3, "3", 4, 99, 0, -1, "x", None, "1e9", 10**30])
def test_the_same_pages_as_django(missions, number):
    assert _seen(CountedPaginator(missions, 2).get_page(number)) == _seen(Paginator(missions, 2).get_page(number))


def test_a_page_with_rows_costs_one_query(missions, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = CountedPaginator(missions, 2).get_page(2)
        assert page.paginator.count == 5 and page.paginator.num_pages == 3 and page.has_next()


def test_nothing_found_is_an_empty_first_page(missions):
    page = CountedPaginator(missions.filter(title="aucune"), 2).get_page(3)
    assert page.number == 1 and list(page.object_list) == [] and page.paginator.count == 0


def test_without_a_page_number_the_first_page_costs_one_query(missions, django_assert_num_queries):
    for number in (None, "", "x"):
        with django_assert_num_queries(1):
            assert CountedPaginator(missions, 2).get_page(number).number == 1
