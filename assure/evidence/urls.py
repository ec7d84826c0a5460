from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("library/<str:code>/", views.library, name="library"),
    path("library/<str:code>/add/", views.add, name="add"),
    path("library/<str:code>/export.<str:fmt>", views.library, name="library_export"),
    path("library/<str:code>/coverage/", views.coverage, name="coverage"),
    path("library/<str:code>/coverage/export.<str:fmt>", views.coverage, name="coverage_export"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/download/", views.download, name="download"),
    path("<uuid:public_id>/delete/", views.delete, name="delete"),
]
