from django.urls import path

from . import views, views_excel

app_name = "assessments"
urlpatterns = [
    path("start/<uuid:cycle_id>/<str:code>/", views.start, name="start"),
    path("<uuid:public_id>/", views.task_list, name="task_list"),
    path("<uuid:public_id>/domains.<str:fmt>", views.task_list, name="task_list_export"),
    path("<uuid:public_id>/domains/<int:number>/", views.domain, name="domain"),
    path("<uuid:public_id>/items/<str:code>/", views.save_item, name="save_item"),
    path("<uuid:public_id>/items/<str:code>/history/", views.item_history, name="item_history"),
    path("<uuid:public_id>/submit/", views.submit, name="submit"),
    path("<uuid:public_id>/submitted/<int:number>/", views.submitted, name="submitted"),
    path("<uuid:public_id>/submissions/<int:number>/", views.submission, name="submission"),
    path(
        "<uuid:public_id>/submissions/<int:number>/export.<str:fmt>",
        views.submission,
        name="submission_export",
    ),
    path("<uuid:public_id>/reopen/", views.reopen, name="reopen"),
    path("<uuid:public_id>/sharing/", views.share, name="share"),
    path("<uuid:public_id>/audit/", views.audit_log, name="audit"),
    path("<uuid:public_id>/audit.<str:fmt>", views.audit_log, name="audit_export"),
    path("<uuid:public_id>/export.xlsx", views_excel.export_xlsx, name="export_xlsx"),
    path("<uuid:public_id>/import/", views_excel.import_xlsx, name="import_xlsx"),
]
