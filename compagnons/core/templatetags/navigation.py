"""`{% url_of 'app:name' %}`: the address of a URL name that takes no argument, reversed once per process (per URL
configuration and script prefix) rather than at every page. The base template names 27 such addresses, about 17 on
each page, at 20 µs a `{% url %}`: a third of a millisecond on every page not served from the cache."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=512)
def _reversed(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def url_of(name: str) -> str:
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
