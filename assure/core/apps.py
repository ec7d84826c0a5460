from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "assure.core"
    label = "core"
    default = True

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import on_login

        user_logged_in.connect(on_login, dispatch_uid="assure.core.session_refreshed_on_login")


class AssureAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "assure.core.admin_site.AssureAdminSite"
