"""Funding pages of the plans and agreements half."""

from django.urls import path

from compagnons.funding import views_agreements as views

urlpatterns = [
    path("equipe/financement/plans/", views.plans_list, name="plans"),
    path("equipe/financement/inscriptions/<int:enrollment_pk>/", views.plan_detail, name="plan"),
    path("equipe/financement/inscriptions/<int:enrollment_pk>/sources/", views.source_add, name="source_add"),
    path("equipe/financement/sources/<int:pk>/", views.source_change, name="source"),
    path("equipe/financement/inscriptions/<int:enrollment_pk>/convention/", views.agreement_new, name="agreement_new"),
    path(
        "equipe/financement/inscriptions/<int:enrollment_pk>/certificat/",
        views.certificate_new,
        name="certificate_new",
    ),
    path("equipe/financement/conventions/<int:pk>/avenant/", views.agreement_amend, name="agreement_amend"),
    path("equipe/financement/conventions/<int:pk>/copie-signee/", views.agreement_upload, name="agreement_upload"),
    path("equipe/financement/conventions/<int:pk>/annuler/", views.agreement_cancel, name="agreement_cancel"),
    path("equipe/financement/bpf/", views.bpf, name="bpf"),
    path("equipe/financement/bpf.<str:fmt>", views.bpf_export, name="bpf_export"),
    path("mon-financement/", views.mine, name="mine"),
    path("mon-financement/conventions/<int:pk>/", views.agreement_detail, name="agreement"),
    path("mon-financement/conventions/<int:pk>/document.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("mon-financement/conventions/<int:pk>/copie-signee", views.agreement_signed_copy, name="agreement_copy"),
    path("mon-financement/conventions/<int:pk>/signer/", views.agreement_sign, name="agreement_sign"),
    path("mon-financement/certificats/<int:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
]
