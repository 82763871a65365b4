"""core.widgets.QuickSelect renders what Django's Select renders through its templates, byte for byte."""

import pytest
from django import forms

from compagnons.core.widgets import QuickSelect

pytestmark = pytest.mark.django_db

CHOICES = [
    ("", "Toutes"),
    (1, "Promo <2024> & « Été »"),
    ('x"y', "Guillemets"),
    ("Groupe <A>", [(10, "Dix"), (11, "Onze")]),
    (12, "Douze"),
]


@pytest.mark.parametrize("value", [None, "", 1, "1", 'x"y', 11, [1, 11]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_f", "required": True, "disabled": False, "data-x": "<&>"}])
def test_the_same_html_as_djangos_select(value, attrs):
    for multiple in (False, True):
        base = forms.SelectMultiple if multiple else forms.Select
        quick = type("QuickMultiple", (QuickSelect,), {"allow_multiple_selected": True}) if multiple else QuickSelect
        expected = base(choices=CHOICES).render("f", value, attrs=attrs)
        assert quick(choices=CHOICES).render("f", value, attrs=attrs) == expected


def test_in_a_form_with_a_bound_value_and_a_label():
    class Plain(forms.Form):
        f = forms.ChoiceField(label="Région", choices=[("", "Toutes"), ("BRE", "Bretagne")], required=False)

    class Quick(forms.Form):
        f = forms.ChoiceField(
            label="Région", choices=[("", "Toutes"), ("BRE", "Bretagne")], required=False, widget=QuickSelect
        )

    for data in (None, {"f": "BRE"}, {"f": "ZZZ"}):
        assert str(Quick(data)["f"].as_field_group()) == str(Plain(data)["f"].as_field_group())


FLAT = [("", "Toutes"), (1, "Promo <2024> & « Été »"), ('x"y', "Guillemets"), (None, "Aucune"), (12, "Douze")]


@pytest.mark.parametrize("value", [None, "", 1, "1", 'x"y', 12, [1, 12], "absent"])
@pytest.mark.parametrize("multiple", [False, True])
def test_a_list_without_groups_is_laid_out_once_and_still_the_same_html(value, multiple):
    from django.utils.translation import gettext_lazy, override

    from compagnons.core import widgets

    choices = [*FLAT, ("BRE", gettext_lazy("Toutes"))]
    base = forms.SelectMultiple if multiple else forms.Select
    quick = type("QuickMultiple", (QuickSelect,), {"allow_multiple_selected": True}) if multiple else QuickSelect
    widgets._options.clear()
    for language in ("fr", "en", "fr"):  # the second French render is served from the kept options
        with override(language):
            expected = base(choices=choices).render("f", value, attrs={"id": "id_f", "required": True})
            assert quick(choices=choices).render("f", value, attrs={"id": "id_f", "required": True}) == expected
    assert len(widgets._options) == 2  # one list per language
