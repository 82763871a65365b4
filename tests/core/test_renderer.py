"""core.renderer.QuickRenderer writes, in Python, the HTML Django's form templates write: byte for byte, for every
widget and state a form of the project uses (and for the project's own forms that need no argument)."""

import importlib
import pkgutil
import re
from datetime import date

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

import compagnons
from compagnons.core.renderer import QuickRenderer

pytestmark = pytest.mark.django_db

GROUPED = [("", "Aucun"), ("Groupe <A>", [("a", "Un « a »"), ("b", "B & b")]), ("c", "Cé")]


class Everything(forms.Form):
    text = forms.CharField(label="Nom", help_text="Votre <b>nom</b> usuel", max_length=20)
    safe_help = forms.CharField(label="Aide", help_text=mark_safe("<em>déjà sûr</em>"), required=False)
    number = forms.IntegerField(label="Nombre ?", min_value=1, required=False)
    email = forms.EmailField(label="Adresse")
    url = forms.URLField(required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False, initial='x"<y>')
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    moment = forms.DateTimeField(required=False)
    hour = forms.TimeField(required=False)
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "data-x": "<&>"}), required=False)
    agree = forms.BooleanField(label="J'accepte", required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    notes_required = forms.CharField(widget=forms.Textarea)
    choice = forms.ChoiceField(choices=GROUPED, required=False)
    several = forms.MultipleChoiceField(choices=GROUPED, required=False)
    radio = forms.ChoiceField(choices=GROUPED, widget=forms.RadioSelect, label="Un choix")
    boxes = forms.MultipleChoiceField(
        choices=[(1, "Un"), (2, "Deux <2>")], widget=forms.CheckboxSelectMultiple(attrs={"class": "cases"})
    )
    no_label = forms.CharField(label="", required=False)
    disabled = forms.CharField(disabled=True, initial="figé", required=False)


class WithoutIds(Everything):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id=False, **kwargs)


class WithSuffixAndClass(Everything):
    required_css_class = "requis"
    error_css_class = "erreur"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix=" :", **kwargs)


BOUND = {
    "text": "Ada <Lovelace> & « co »",
    "number": "zéro",
    "email": "pas-une-adresse",
    "url": "javascript:alert(1)",
    "day": "2026-02-30",
    "moment": "2026-12-06 10:00",
    "search": '"guillemets"',
    "agree": "on",
    "notes": "Ligne 1\n<script>alert(1)</script>",
    "choice": "b",
    "several": ["a", "c", "zz"],
    "radio": "inconnu",
    "boxes": ["2"],
}


def both(form_class, *args, **kwargs) -> tuple[forms.Form, forms.Form]:
    return (
        form_class(*args, renderer=DjangoTemplates(), **kwargs),
        form_class(*args, renderer=QuickRenderer(), **kwargs),
    )


@pytest.mark.parametrize("form_class", [Everything, WithoutIds, WithSuffixAndClass])
@pytest.mark.parametrize("data", [None, {}, BOUND])
def test_every_widget_the_same_html_as_djangos_templates(form_class, data):
    django_form, quick_form = both(form_class, data, initial={"day": date(2026, 12, 6), "choice": "c"})
    if data is not None:
        assert django_form.is_valid() is quick_form.is_valid()
    for name in django_form.fields:
        assert str(quick_form[name].as_field_group()) == str(django_form[name].as_field_group()), name
        assert str(quick_form[name]) == str(django_form[name]), name
        assert str(quick_form[name].label_tag()) == str(django_form[name].label_tag()), name
    assert quick_form.as_div() == django_form.as_div()
    assert str(quick_form) == str(django_form)


def test_a_field_with_errors_is_rendered_with_its_errors():
    django_form, quick_form = both(Everything, {"text": "x" * 30})
    html = str(quick_form["text"].as_field_group())
    assert html == str(django_form["text"].as_field_group())
    assert 'class="errorlist"' in html and 'id="id_text_error"' in html


def test_a_widget_of_its_own_goes_to_the_template_engine(settings):
    class OwnOption(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    class Own(forms.Form):
        f = forms.ChoiceField(choices=[("a", "A")], widget=OwnOption)

    django_form, quick_form = both(Own, {"f": "a"})
    assert str(quick_form["f"]) == str(django_form["f"])
    assert QuickRenderer().quick("django/forms/widgets/clearable_file_input.html", {}) is None


def _project_forms():
    for module in pkgutil.walk_packages(compagnons.__path__, "compagnons."):
        if module.name.endswith(".forms"):
            loaded = importlib.import_module(module.name)
            for value in vars(loaded).values():
                is_form = isinstance(value, type) and issubclass(value, forms.BaseForm)
                if is_form and value.__module__ == loaded.__name__:
                    yield value


def same_but_fresh_keys(html: str) -> str:
    """Each form draws its own idempotency key (a uuid4): the one thing that may differ."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", html)


def test_the_projects_forms_that_take_no_argument_render_the_same():
    rendered = 0
    for form_class in _project_forms():
        for data in (None, {}):
            try:
                django_form, quick_form = both(form_class, data)
                expected = str(django_form)
            except (TypeError, KeyError, AttributeError):  # a form that needs its arguments (a user, an object…)
                continue
            assert same_but_fresh_keys(str(quick_form)) == same_but_fresh_keys(expected), form_class
            rendered += 1
    assert rendered >= 20  # the filter forms, the search forms, the simple forms
