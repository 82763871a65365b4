"""core.forms.SharedFieldsForm: the search filters' forms share their class's fields instead of deep-copying them at
every request (issue 21); only the fields that must be each form's own are copied."""

import pytest
from django import forms

from compagnons.apprenticeship.forms import OptionsChoiceField
from compagnons.core.forms import SharedFieldsForm


def test_the_forms_share_the_class_fields_in_dicts_of_their_own():
    class Filter(SharedFieldsForm):
        q = forms.CharField(required=False)
        place = forms.ChoiceField(choices=[("", "Tous"), ("remote", "À distance")], required=False)

    first, second = Filter({"q": "agenda"}), Filter({"place": "remote"})
    assert first.fields["q"] is second.fields["q"] is Filter.base_fields["q"]
    assert first.fields["place"] is second.fields["place"]
    assert first.fields is not second.fields
    del first.fields["place"]  # a form's own dict: the other keeps the field
    assert "place" in second.fields and "place" in Filter({}).fields
    assert first.is_valid() and first.cleaned_data == {"q": "agenda"}
    assert second.is_valid() and second.cleaned_data == {"q": "", "place": "remote"}
    bad = Filter({"place": "mars"})
    assert not bad.is_valid() and "place" in bad.errors
    assert Filter({"place": "remote"}).is_valid()  # one form's errors stay its own


def test_a_field_marked_per_form_and_a_model_choice_field_are_each_forms_own():
    from compagnons.accounts.models import User

    options = [[(1, "C1 — Se présenter")]]

    class Filter(SharedFieldsForm):
        q = forms.CharField(required=False)
        competence = OptionsChoiceField(label="Compétence", options=lambda: options[0], required=False)
        member = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    first = Filter({})
    options[0] = [(1, "C1 — Se présenter"), (2, "C2 — Négocier")]
    second = Filter({"competence": "2"})
    assert first.fields["competence"] is not second.fields["competence"]
    assert first.fields["member"] is not second.fields["member"]
    assert second.is_valid() and second.cleaned_data["competence"] == 2  # the options read when this form was made


@pytest.mark.parametrize(
    "form_class",
    ["compagnons.missions.forms.FilterForm", "compagnons.showcase.forms.DirectoryForm"],
)
def test_the_search_filters_share_their_fields(form_class, db):
    from django.utils.module_loading import import_string

    Form = import_string(form_class)
    first, second = Form({}), Form({})
    shared = [name for name in first.fields if first.fields[name] is second.fields[name]]
    own = [name for name in first.fields if first.fields[name] is not second.fields[name]]
    assert shared and all(isinstance(Form.base_fields[name], OptionsChoiceField) for name in own)
