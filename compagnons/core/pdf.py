"""PDF documents rendered from a template with WeasyPrint (minutes, attendance sheets, brochures, and the documents
still to come). Relative links and images resolve against SITE_URL, never against the request."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy import (pango, harfbuzz): only where a PDF is made

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()
