"""Form widgets that render the same HTML as Django's, faster.

`QuickSelect`: a <select> built in Python, byte for byte what Django's `Select` renders through its templates
(django/forms/widgets/select.html, one template include per option): on a filter form of a hundred cohorts the
options' templates took about a fifth of the page (issue 21). Same context (`get_context`), same attributes, same
escaping; tests/core/test_widgets.py compares both outputs."""

from django import forms
from django.forms.boundfield import BoundField
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# The rendered options of the lists without groups, per language: (value, HTML, HTML when selected) for each.
_options: dict[tuple, list[tuple[str, str, str]]] = {}
MAX_OPTION_LISTS = 256


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


def _option(value: str, label) -> tuple[str, str, str]:
    """(the value as the form compares it, the option's HTML, the same chosen); its template ends with a newline."""
    shown, label = conditional_escape(value), conditional_escape(label)
    return (
        value,
        f'\n  <option value="{shown}">{label}</option>\n',
        f'\n  <option value="{shown}" selected>{label}</option>\n',
    )


class QuickSelect(forms.Select):
    """A list without groups (a filter's métiers, compétences, regions) is escaped and laid out once per language
    and kept in the process: a render then only marks the chosen option. With groups, or a subclass that changes
    the options, each render builds them as Django does."""

    def _rendered_options(self) -> list[tuple[str, str, str]] | None:
        if type(self).create_option is not forms.Select.create_option or not isinstance(self.choices, list | tuple):
            return None
        choices = tuple((("" if v is None else str(v)), label) for v, label in self.choices)
        if any(isinstance(label, list | tuple) for _v, label in choices):
            return None
        key = (translation.get_language(), choices)
        try:
            rendered = _options.get(key)
        except TypeError:  # a label that cannot be hashed
            return None
        if rendered is None:
            if len(_options) >= MAX_OPTION_LISTS:
                _options.clear()
            rendered = _options[key] = [_option(v, label) for v, label in choices]
        return rendered

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        options = self._rendered_options()
        if options is not None:
            final_attrs = self.build_attrs(self.attrs, attrs)
            if self.allow_multiple_selected:
                final_attrs["multiple"] = True
            wanted = set(self.format_value(value))
            parts = [f'<select name="{conditional_escape(name)}"{_attrs(final_attrs)}>']
            chosen = False
            for option_value, plain, selected in options:
                pick = (not chosen or self.allow_multiple_selected) and option_value in wanted
                chosen |= pick
                parts.append(selected if pick else plain)
            parts.append("\n</select>")
            return mark_safe("".join(parts))  # noqa: S308 - every value escaped in _option
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"  # the option's template ends with a newline
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


# The field groups (label, <select>, help) of the filters' lists, per form, language, value and options.
_groups: dict[tuple, str] = {}
MAX_GROUPS = 1024


class MemoisedBoundField(BoundField):
    """A filter's list as a whole field group — its label, its <select> with the chosen option, its help — kept in
    the process for each form, language, value chosen and list of options, the same bytes as Django renders: a search
    page shows a form of four or five lists at every request, and their field groups took a millisecond or two of it
    (issue 21). A field with errors is rendered each time (its messages are this request's). For the filter forms'
    fields only (`Field(bound_field_class=MemoisedBoundField)`); the label, help, requirement and widget attributes
    are in the key, but the widget's class and its template must be the same for every form of the class."""

    def as_field_group(self):
        if self.errors:
            return super().as_field_group()
        try:
            key = (
                type(self.form),
                self.form.prefix,
                self.form.auto_id,
                self.name,
                translation.get_language(),
                self.value(),
                tuple(self.field.choices),
                # what a form's __init__ may change: in the key, so that a form that changes them is still right
                str(self.label),
                str(self.help_text),
                self.field.required,
                self.field.disabled,
                tuple(self.field.widget.attrs.items()),
            )
            html = _groups.get(key)
        except TypeError:  # a value or a label that cannot be a key
            return super().as_field_group()
        if html is None:
            if len(_groups) >= MAX_GROUPS:
                _groups.clear()
            html = _groups[key] = super().as_field_group()
        return html
