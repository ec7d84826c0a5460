from django.urls import path

from .views import imports, manage, respond, results

app_name = "surveys"
urlpatterns = [
    path("surveys/", manage.survey_list, name="list"),
    path("surveys/start/<uuid:cycle_id>/<str:code>/", manage.start, name="start"),
    path("surveys/<uuid:public_id>/", manage.detail, name="detail"),
    path("surveys/<uuid:public_id>/settings/", manage.settings_view, name="settings"),
    path("surveys/<uuid:public_id>/stakeholders/", manage.stakeholders, name="stakeholders"),
    path(
        "surveys/<uuid:public_id>/stakeholders/<uuid:stakeholder_id>/remove/",
        manage.stakeholder_remove,
        name="stakeholder_remove",
    ),
    path("surveys/<uuid:public_id>/import/", imports.import_stakeholders, name="import"),
    path("surveys/<uuid:public_id>/import/template.csv", imports.template_csv, name="import_template"),
    path("surveys/<uuid:public_id>/invitations/", manage.send_invitations, name="invite"),
    path("surveys/<uuid:public_id>/reminders/", manage.send_reminders, name="remind"),
    path("surveys/<uuid:public_id>/close/", manage.close, name="close"),
    path("surveys/<uuid:public_id>/results/", results.results, name="results"),
    path("surveys/<uuid:public_id>/results.csv", results.export_csv, name="export_csv"),
    path("surveys/<uuid:public_id>/results.xlsx", results.export_xlsx, name="export_xlsx"),
    path(
        "surveys/<uuid:public_id>/stakeholders.<str:fmt>",
        manage.stakeholders_export,
        name="stakeholders_export",
    ),
    # The stakeholder's own pages: a short path, since people may type the link from a printed email.
    path("s/<str:token>/", respond.respond, name="respond"),
    path("s/<str:token>/done/", respond.respond_done, name="respond_done"),
]
