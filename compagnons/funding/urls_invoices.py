"""Funding pages of the invoices half."""

from django.urls import path

from compagnons.funding import views_invoices as views

urlpatterns = [
    path("equipe/financement/factures/", views.invoices, name="invoices"),
    path("equipe/financement/factures/nouvelle/", views.invoice_new, name="invoice_new"),
    path("equipe/financement/factures/<int:pk>/", views.invoice, name="invoice"),
    path("equipe/financement/factures/<int:pk>/modifier/", views.invoice_edit, name="invoice_edit"),
    path("equipe/financement/factures/<int:pk>/lignes/", views.invoice_add_line, name="invoice_add_line"),
    path(
        "equipe/financement/factures/<int:pk>/lignes/<int:line_pk>/supprimer/",
        views.invoice_remove_line,
        name="invoice_remove_line",
    ),
    path("equipe/financement/factures/<int:pk>/emettre/", views.invoice_issue, name="invoice_issue"),
    path("equipe/financement/factures/<int:pk>/paiements/", views.invoice_pay, name="invoice_pay"),
    path("equipe/financement/factures/<int:pk>/avoir/", views.invoice_credit, name="invoice_credit"),
    path("equipe/financement/factures/<int:pk>/facture.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("equipe/financement/creances/", views.receivables, name="receivables"),
    path("equipe/financement/adhesions/", views.memberships_page, name="memberships"),
    path("mon-financement/factures/", views.my_invoices, name="my_invoices"),
    path("mon-financement/factures/<int:pk>.pdf", views.my_invoice_pdf, name="my_invoice_pdf"),
    path("mon-financement/adhesions/<int:pk>/recu.pdf", views.membership_receipt, name="membership_receipt"),
]
