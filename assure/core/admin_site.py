from django.contrib.admin import AdminSite


class AssureAdminSite(AdminSite):
    """Only platform admins use the administration pages."""

    site_header = "Assure administration"
    site_title = "Assure administration"
    index_title = "Organisations, people, frameworks and cycles"

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_superuser)
