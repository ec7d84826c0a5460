from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "assure.core"
    label = "core"
    default = True


class AssureAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "assure.core.admin_site.AssureAdminSite"
