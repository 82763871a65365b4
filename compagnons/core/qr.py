"""QR codes as inline SVG data URIs (allowed by the CSP's `img-src data:`), for pages and PDFs."""

import segno


def qr_data_uri(text: str, *, scale: int = 3, border: int = 1) -> str:
    """Medium error correction: still readable from a printed, folded brochure."""
    return segno.make(text, error="m").svg_data_uri(scale=scale, border=border)
