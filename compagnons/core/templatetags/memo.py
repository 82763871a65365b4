"""`{% memo "name" value… %}…{% endmemo %}`: a part of a template that depends only on the values named (and the
language), rendered once per process for each set of values and then copied.

The base template's header and footer — two dozen links, their translations, the site's name and colours — cost
about a millisecond on every page the fragment cache does not serve (issue 21: a search, a form), the same bytes
for every visitor of a site in a language. They are memoised under the site (all its columns: a site edited is
another key at once), the language, the current view's name and whether the visitor is signed in or on the team.

Rules that keep it safe:
- what the block shows must depend on nothing but its values: no request's path or query, no member's name inside
  (the templates keep those outside the block); a form's CSRF token, a CSP nonce and a one-time key are stored as
  placeholders and filled in for each response (`core.fragments.with_placeholders` / `filled`), and a block where
  a token would stay is never kept;
- a model instance in the values counts by all its columns' values, not its id alone;
- at most MAX_ENTRIES sets of values are kept (then all are forgotten and rendered again).

tests/core/test_memo.py checks that each value and the language change what is shown."""

from django import template
from django.db.models import Model
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import mark_safe

from compagnons.core import fragments

register = template.Library()

_memo: dict[tuple, str] = {}
MAX_ENTRIES = 512


def _key_part(value):
    if isinstance(value, Model):
        return (type(value), *(getattr(value, field.attname) for field in value._meta.concrete_fields))
    return value


class MemoNode(template.Node):
    def __init__(self, name: str, values: list, nodelist):
        self.name, self.values, self.nodelist = name, values, nodelist

    def render(self, context) -> str:
        key = (
            self.name,
            translation.get_language(),
            get_script_prefix(),  # the addresses in it (one per process in production; the tests change it)
            get_urlconf(),
            *(_key_part(v.resolve(context)) for v in self.values),
        )
        try:
            stored = _memo[key]
        except KeyError:
            pass
        except TypeError:  # a value that cannot be a key: rendered each time
            return self.nodelist.render(context)
        else:
            request = context.get("request")
            return mark_safe(fragments.filled(stored, request) if request is not None else stored)  # noqa: S308
        request = context.get("request")
        html = self.nodelist.render(context)
        stored = fragments.with_placeholders(html, request) if request is not None else html
        if fragments.storable_with_placeholders(stored):
            if len(_memo) >= MAX_ENTRIES:
                _memo.clear()
            _memo[key] = stored
        return mark_safe(html)  # noqa: S308 - a template's own output


@register.tag
def memo(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% memo "name" value… %} takes a quoted name first.')
    values = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(bits[1][1:-1], values, nodelist)
