from django.urls import path

from . import views

app_name = "cycles"
urlpatterns = [
    path("<uuid:public_id>/", views.cycle_detail, name="detail"),
    path("<uuid:public_id>/ccgs.<str:fmt>", views.cycle_detail, name="ccgs_export"),
]
