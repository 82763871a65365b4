"""Funding's pages: the staff pages under /equipe/financement/, a member's own documents under /mon-financement/."""

from compagnons.funding import urls_agreements, urls_invoices

app_name = "funding"

urlpatterns = [*urls_agreements.urlpatterns, *urls_invoices.urlpatterns]
