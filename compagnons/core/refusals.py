"""One way to turn a service's refusal into what the person sees: the message, then back to a page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from compagnons.core.exceptions import Refused


def refused(request: HttpRequest, error: Refused, to, *args, **kwargs) -> HttpResponseRedirect:
    """Show the refusal's French message and redirect to `to` (a URL name with its arguments, a model with
    `get_absolute_url`, or a path), the way every view does after `except Refused as error:`."""
    messages.error(request, str(error))
    return redirect(to, *args, **kwargs)
