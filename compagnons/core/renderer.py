"""The forms' renderer (settings.FORM_RENDERER): Django's own, with its most used templates written in Python.

Django renders a form field through a template per part — the field group (django/forms/field.html), its label
(label.html), its error list, its widget (input.html, select.html and one template per option) — each through the
template engine: on a search page with six filters, the form took a third of the request (issue 21), more than the
search itself. `QuickRenderer.render` writes the same bytes in Python for those templates, from the same context
Django builds (so every attribute, id, aria-* and value is Django's own), and hands any other template — a project
override, a widget of its own, a non-empty error list — to the template engine as before.

tests/core/test_renderer.py renders every form of the project, bound and unbound, both ways and compares them byte
for byte; a Django upgrade that changes one of these templates fails it."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

PREFIX = "django/forms/widgets/"
# The input widgets whose template is only `{% include "django/forms/widgets/input.html" %}`.
INPUTS = frozenset(
    f"{PREFIX}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)
MULTIPLE = frozenset({f"{PREFIX}radio.html", f"{PREFIX}checkbox_select.html", f"{PREFIX}multiple_input.html"})
OPTION_INPUTS = frozenset({f"{PREFIX}radio_option.html", f"{PREFIX}checkbox_option.html"})


def _e(value) -> str:
    """`{{ value }}` in a template with autoescape: a safe string as it is, anything else escaped."""
    return conditional_escape(value)


def _s(value) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless it was safe."""
    return conditional_escape(value if hasattr(value, "__html__") else f"{value}")


def attrs(items: dict | None) -> str:
    """django/forms/attrs.html and widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    if not items:
        return ""
    return "".join(
        f" {_e(name)}" + ("" if value is True else f'="{_s(value)}"')
        for name, value in items.items()
        if value is not False
    )


def input_html(widget: dict) -> str:
    """widgets/input.html (without its final newline)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_s(value)}"'
    return f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"{shown}{attrs(widget["attrs"])}>'


def option_html(option: dict) -> str:
    """widgets/select_option.html, with its final newline."""
    return f'<option value="{_s(option["value"])}"{attrs(option["attrs"])}>{_e(option["label"])}</option>\n'


def select_html(widget: dict) -> str | None:
    """widgets/select.html; None when an option has a template of its own."""
    parts = [f'<select name="{_e(widget["name"])}"{attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_e(group_name)}">')
        for option in options:
            if option["template_name"] != f"{PREFIX}select_option.html":
                return None
            parts.append(f"\n  {option_html(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def input_option_html(option: dict) -> str:
    """widgets/radio_option.html and checkbox_option.html (input_option.html and two newlines)."""
    inner = input_html(option) + "\n"
    if option["wrap_label"]:
        target = option["attrs"].get("id")
        label_for = f' for="{_e(target)}"' if target else ""
        inner = f"<label{label_for}>{inner} {_e(option['label'])}</label>"
    return inner + "\n\n"


def multiple_html(widget: dict) -> str | None:
    """widgets/multiple_input.html (radio buttons, checkboxes); None when an option has a template of its own."""
    id_ = widget["attrs"].get("id")
    css = widget["attrs"].get("class")
    id_attr = f' id="{_e(id_)}"' if id_ else ""
    class_attr = f' class="{_e(css)}"' if css else ""
    parts = [f"<div{id_attr}{class_attr}>"]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_e(group)}</label>")
        for option in options:
            if option["template_name"] not in OPTION_INPUTS:
                return None
            parts.append(f"<div>\n    {input_option_html(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def label_html(context: dict) -> str:
    """django/forms/label.html."""
    label = _e(context["label"])
    if not context["use_tag"]:
        return label
    tag = _e(context["tag"])
    return f"<{tag}{attrs(context['attrs'])}>{label}</{tag}>"


def field_html(field) -> str:
    """django/forms/field.html: the label (or legend), the help text, the errors and the widget."""
    if field.use_fieldset:
        described = field.aria_describedby
        aria = f' aria-describedby="{_e(described)}"' if described else ""
        head = f"\n  <fieldset{aria}>\n  {_e(field.legend_tag()) if field.label else ''}\n"
    else:
        head = f"\n  {_e(field.label_tag()) if field.label else ''}\n"
    helptext = ""
    if field.help_text:
        helptext_id = f' id="{_e(field.auto_id)}_helptext"' if field.auto_id else ""
        helptext = f'<div class="helptext"{helptext_id}>{field.help_text}</div>'
    tail = "</fieldset>" if field.use_fieldset else ""
    return f"{head}\n{helptext}\n{_e(field.errors)}\n{_e(field)}{tail}\n"


class QuickRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        html = self.quick(template_name, context)
        if html is None:
            return super().render(template_name, context, request)
        return html.strip()

    def quick(self, template_name: str, context: dict) -> str | None:
        """The template's output, or None to let the template engine render it."""
        if template_name == "django/forms/field.html":
            return field_html(context["field"])
        if template_name == "django/forms/label.html":
            return label_html(context)
        if template_name in ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"):
            return None if context["errors"] else ""
        if template_name in INPUTS:
            return input_html(context["widget"])
        if template_name == f"{PREFIX}select.html":
            return select_html(context["widget"])
        if template_name == f"{PREFIX}textarea.html":
            widget = context["widget"]
            value = _e(widget["value"]) if widget["value"] else ""
            return f'<textarea name="{_e(widget["name"])}"{attrs(widget["attrs"])}>\n{value}</textarea>'
        if template_name in MULTIPLE:
            return multiple_html(context["widget"])
        return None
