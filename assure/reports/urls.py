from django.urls import path

from . import opendata, views

app_name = "reports"
urlpatterns = [
    path("open-data/decisions/", opendata.index, name="open_data"),
    path(
        "open-data/decisions/<uuid:public_id>.<str:fmt>", opendata.cycle_decisions, name="open_data_decisions"
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export.<str:fmt>", views.dashboard, name="dashboard_export"),
    path("cycles/<uuid:public_id>/workbook.xlsx", views.cycle_workbook, name="cycle_workbook"),
    path("assessments/<uuid:public_id>/", views.report, name="report"),
    path("assessments/<uuid:public_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("assessments/<uuid:public_id>/pdf/<uuid:pdf_id>/", views.pdf_status, name="pdf_status"),
    path(
        "assessments/<uuid:public_id>/pdf/<uuid:pdf_id>/report.pdf", views.pdf_download, name="pdf_download"
    ),
]
