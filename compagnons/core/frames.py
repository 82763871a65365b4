"""A public page's frame — everything around its main content — rendered once per process, for the searches.

A search can never be served from the page cache (its terms are free text, `fragments.public_page`), so every search
renders its whole page: the base template's head, header and footer, the page's title and introduction, then the
results. The frame around the results is the same for every anonymous visitor of a site, in a language, at an
address: only the CSRF token and the CSP nonce (stored as placeholders, `fragments.with_placeholders`) and the
language form's return address (the search's own, `PATH_PLACEHOLDER`) differ. `render` keeps that frame in the
process and renders the page's main content alone, the template's `{% partialdef main inline %}`; its output is the
same page, byte for byte (tests/core/test_frames.py).

Only for an anonymous visitor's GET without flash messages (a signed-in member's header is theirs, a message is
shown once), outside htmx; any other request renders the whole template as `django.shortcuts.render` does. The
template must keep in its `main` partial everything that depends on the request, and its other blocks (title, head)
constant: the frame is keyed by the site (all its columns), the language, the scheme, host and path, and the view.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render as render_whole
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.html import escape

from compagnons.core import fragments

MAIN_PLACEHOLDER = "\x00main\x00"
PATH_PLACEHOLDER = "\x00path\x00"
MAX_ENTRIES = 256

_frames: dict[tuple, str] = {}


def _key(request: HttpRequest, template_name: str) -> tuple:
    from compagnons.core.templatetags.memo import _key_part

    site = getattr(request, "site", None)
    return (
        template_name,
        translation.get_language(),
        get_script_prefix(),
        get_urlconf(),
        request.scheme,
        request.get_host(),
        request.path,
        getattr(request.resolver_match, "view_name", None),
        _key_part(site) if site is not None else None,
    )


def applies(request: HttpRequest) -> bool:
    messages = getattr(request, "_messages", None)
    return (
        fragments.enabled()
        and request.method == "GET"
        and not request.user.is_authenticated
        and "HX-Request" not in request.headers
        and not getattr(request, "staff_mfa_exempt", False)
        and not (messages is not None and len(messages))  # loads them without marking them read
    )


def render(request: HttpRequest, template_name: str, context: dict) -> HttpResponse:
    """The page `template_name` with `context`, as `django.shortcuts.render` gives it (see the module's docstring)."""
    if not applies(request):
        return render_whole(request, template_name, context)
    key = _key(request, template_name)
    frame = _frames.get(key)
    if frame is None:
        html = get_template(template_name).render(
            {**context, "frame_only": True, "frame_main": MAIN_PLACEHOLDER, "frame_path": PATH_PLACEHOLDER}, request
        )
        stored = fragments.with_placeholders(html, request)
        if stored.count(MAIN_PLACEHOLDER) != 1 or not fragments.storable_with_placeholders(stored):
            return render_whole(request, template_name, context)
        if len(_frames) >= MAX_ENTRIES:
            _frames.clear()
        frame = _frames[key] = stored
    main = render_to_string(f"{template_name}#main", context, request)
    head, tail = fragments.filled(frame, request).split(MAIN_PLACEHOLDER)
    path = escape(request.get_full_path())
    return HttpResponse(head.replace(PATH_PLACEHOLDER, path) + main + tail.replace(PATH_PLACEHOLDER, path))
