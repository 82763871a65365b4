"""Invoices and credit notes (one gapless sequence per year), payments, memberships."""

__all__: list[str] = []
