"""Funding pages of the invoices half."""

urlpatterns: list = []
