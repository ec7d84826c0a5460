from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("open/", views.review_open, name="open"),
    path("<uuid:public_id>/", views.review_detail, name="review"),
    path("<uuid:public_id>/sides/<str:side>/domains/<int:number>/", views.side_domain, name="side_domain"),
    path("<uuid:public_id>/sides/<str:side>/items/<str:code>/", views.side_save, name="side_save"),
    path("<uuid:public_id>/sides/<str:side>/release/", views.side_release, name="release"),
    path("<uuid:public_id>/gaps/", views.gaps_view, name="gaps"),
    path("<uuid:public_id>/agree/domains/<int:number>/", views.agree_domain, name="agree_domain"),
    path("<uuid:public_id>/agree/items/<str:code>/", views.agree_save, name="agree_save"),
    path("<uuid:public_id>/self-assessment/", views.compare, name="compare"),
    path("<uuid:public_id>/prepare/", views.prepare, name="prepare"),
    path("<uuid:public_id>/history/", views.history, name="history"),
    path("<uuid:public_id>/export.csv", views.export_csv, name="export_csv"),
    path("<uuid:public_id>/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
