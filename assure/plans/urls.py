from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("actions/<uuid:public_id>/", views.action_edit, name="edit"),
    path("actions/<uuid:public_id>/status/", views.action_status, name="status"),
    path("<str:code>/", views.plan_latest, name="latest"),
    path("<str:code>/<uuid:cycle_id>/", views.plan_detail, name="plan"),
    path("<str:code>/<uuid:cycle_id>/export.<str:fmt>", views.plan_detail, name="export"),
    path("<str:code>/<uuid:cycle_id>/gather/", views.gather, name="gather"),
    path("<str:code>/<uuid:cycle_id>/actions/new/", views.action_new, name="add"),
]
