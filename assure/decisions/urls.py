from django.urls import path

from . import views

app_name = "decisions"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("review/<uuid:public_id>/", views.review, name="review"),
    path("review/<uuid:public_id>/domains/<int:number>/", views.domain, name="domain"),
    path("review/<uuid:public_id>/domains/<int:number>/judgement/", views.judge, name="judge"),
    path("review/<uuid:public_id>/items/<str:code>/rating/", views.rate_item, name="rate_item"),
    path("review/<uuid:public_id>/decision/", views.decision, name="decision"),
    path("review/<uuid:public_id>/decision/publish/", views.publish, name="publish"),
    path("review/<uuid:public_id>/decision/conditions/add/", views.add_condition, name="add_condition"),
    path("conditions/", views.conditions, name="conditions"),
    path("conditions/<uuid:public_id>/", views.condition, name="condition"),
    path("conditions/<uuid:public_id>/respond/", views.respond, name="respond"),
    path("conditions/<uuid:public_id>/act/", views.act, name="act"),
    path("published/", views.published_index, name="published_index"),
    path("published/<uuid:cycle_id>/", views.published, name="published"),
]
