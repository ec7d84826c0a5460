from django.urls import path

from . import views

app_name = "goodpractice"
urlpatterns = [
    path("", views.library, name="library"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new/", views.create, name="create"),
    path("yours/", views.yours, name="yours"),
    path("moderation/", views.moderation, name="moderation"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
    path("<uuid:public_id>/submit/", views.submit, name="submit"),
    path("<uuid:public_id>/moderate/", views.moderate, name="moderate"),
    path("<uuid:public_id>/attachments/add/", views.add_attachment, name="add_attachment"),
    path("attachments/<uuid:public_id>/download/", views.download, name="download"),
    path("attachments/<uuid:public_id>/delete/", views.delete_attachment, name="delete_attachment"),
]
