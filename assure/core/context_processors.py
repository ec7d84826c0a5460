from django.conf import settings
from django.urls import reverse


def service(request):
    path = request.path
    navigation = [
        {"label": "Home", "href": reverse("core:home")},
        {"label": "Framework", "href": reverse("frameworks:list")},
        {"label": "Good practice", "href": reverse("goodpractice:library")},
    ]
    user = getattr(request, "user", None)
    # Only platform admins (staff and superuser) may use the administration pages; offer the link to them alone.
    if user is not None and user.is_authenticated and user.is_platform_admin:
        navigation.append({"label": "Administration", "href": reverse("admin:index")})
    for item in navigation:
        item["current"] = path == item["href"] if item["href"] == "/" else path.startswith(item["href"])
    return {"service_name": settings.SERVICE_NAME, "navigation": navigation}
