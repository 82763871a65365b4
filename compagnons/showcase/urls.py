from django.urls import path

from compagnons.showcase import views

app_name = "showcase"
urlpatterns = [
    path("c/<slug:slug>/", views.public, name="public"),
    path("c/<slug:slug>/partage.png", views.share_image, name="share_image"),
    path("c/<slug:slug>/carte.vcf", views.vcard, name="vcard"),
    path("annuaire/", views.directory, name="directory"),
    path("vitrine/", views.editor, name="editor"),
    path("vitrine/etape/<int:step>/", views.editor, name="step"),
    path("vitrine/apercu/", views.preview, name="preview"),
    path("vitrine/plaquette/", views.brochure, name="brochure"),
    path("vitrine/plaquette.pdf", views.brochure_file, name="brochure_file"),
    path("vitrine/pitch/", views.pitch, name="pitch"),
    path("vitrine/relectures/", views.reviews, name="reviews"),
    path("vitrine/relectures/page/<int:pk>/", views.review_page, name="review_page"),
    path("vitrine/relectures/pitch/<int:pk>/", views.review_pitch, name="review_pitch"),
    path("vitrine/messages/", views.inbox, name="inbox"),
]
