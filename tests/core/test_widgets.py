"""core.widgets.QuickSelect renders what Django's Select renders through its templates, byte for byte."""

import pytest
from django import forms

from compagnons.core import widgets
from compagnons.core.widgets import MemoisedBoundField, QuickSelect

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


class Filters(forms.Form):
    region = forms.ChoiceField(
        label="Région",
        choices=[("", "Toutes"), ("BRE", "Bretagne"), ("OCC", "Occitanie")],
        required=False,
        widget=QuickSelect,
        bound_field_class=MemoisedBoundField,
    )


class PlainFilters(forms.Form):
    region = forms.ChoiceField(
        label="Région", choices=[("", "Toutes"), ("BRE", "Bretagne"), ("OCC", "Occitanie")], required=False
    )


@pytest.fixture
def no_groups():
    widgets._groups.clear()
    yield
    widgets._groups.clear()


def test_a_memoised_field_group_is_djangos_for_each_value(no_groups):
    """Kept per value chosen: the same bytes as Django's field group, the right option selected, each time."""
    for _round in range(2):
        for data in (None, {}, {"region": ""}, {"region": "BRE"}, {"region": "OCC"}):
            form, plain = Filters(data), PlainFilters(data)
            assert str(form["region"].as_field_group()) == str(plain["region"].as_field_group())
    assert 'value="OCC" selected' in str(Filters({"region": "OCC"})["region"].as_field_group())
    assert len(widgets._groups) == 4  # no value (unbound, or absent), "" and the two regions


def test_a_field_with_errors_is_rendered_each_time(no_groups):
    form = Filters({"region": "ZZZ"})
    assert not form.is_valid()
    html = str(form["region"].as_field_group())
    assert "ZZZ" in html and html == str(PlainFilters({"region": "ZZZ"})["region"].as_field_group())
    assert not widgets._groups


def test_what_an_init_changes_and_the_language_are_in_the_key(no_groups):
    from django.utils.translation import gettext_lazy, override

    class Changed(Filters):
        def __init__(self, *args, label=None, short=False, **kwargs):
            super().__init__(*args, **kwargs)
            if label:
                self.fields["region"].label = label
            if short:
                self.fields["region"].choices = [("", gettext_lazy("Toutes")), ("BRE", "Bretagne")]

    assert "Région" in str(Changed({})["region"].as_field_group())
    assert "Votre région" in str(Changed({}, label="Votre région")["region"].as_field_group())
    assert "Occitanie" in str(Changed({})["region"].as_field_group())
    short = str(Changed({}, short=True)["region"].as_field_group())
    assert "Occitanie" not in short and ">Toutes<" in short
    with override("en"):
        assert ">All<" in str(Changed({}, short=True)["region"].as_field_group())


def test_the_missions_filter_reads_new_competences_and_reuses_normalised_choices(no_groups, monkeypatch):
    """OptionsChoiceField: while the options are the same list (kept in the process), each form's copy shares the
    choices normalised once; a new list (the référentiel changed) gives new choices and a new field group."""
    from compagnons.apprenticeship.forms import OptionsChoiceField

    options = [[(1, "C1 — Se présenter")]]

    class Form(forms.Form):
        competence = OptionsChoiceField(label="Compétence", options=lambda: options[0], required=False)

    first, second = Form({}), Form({})
    assert first.fields["competence"].choices is second.fields["competence"].choices
    assert "Se présenter" in str(first["competence"].as_field_group())
    options[0] = [(1, "C1 — Se présenter"), (2, "C2 — Négocier")]
    third = Form({"competence": "2"})
    assert third.fields["competence"].choices is not first.fields["competence"].choices
    assert third.is_valid() and third.cleaned_data["competence"] == 2
    assert 'value="2" selected>C2 — Négocier' in str(third["competence"].as_field_group())
    assert "Négocier" not in str(first["competence"].as_field_group())  # the first form's own options
