"""Funding pages of the agreements half."""

urlpatterns: list = []
