from django.urls import path

from . import views

app_name = "cycles"
urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("new/", views.cycle_create, name="create"),
    path("<uuid:public_id>/change/", views.cycle_edit, name="edit"),
    path("<uuid:public_id>/", views.cycle_detail, name="detail"),
    path("<uuid:public_id>/ccgs.<str:fmt>", views.cycle_detail, name="ccgs_export"),
]
