from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from assure.organisations.models import Membership

from .forms import ApiTokenForm, EmailAuthenticationForm
from .models import ApiToken

NEW_TOKEN_SESSION_KEY = "assure:new-api-token"


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, token = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        # Shown on the next page only (post/redirect/get), so reloading neither issues another token
        # nor shows this one again.
        request.session[NEW_TOKEN_SESSION_KEY] = token
        return redirect(f"{reverse('accounts:profile')}#tokens")
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    memberships = Membership.objects.filter(user=request.user).select_related("organisation__type")
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "new_token": new_token, "tokens": tokens, "memberships": memberships},
    )


@login_required
@require_POST
def revoke_token(request, public_id):
    token = get_object_or_404(ApiToken, public_id=public_id, user=request.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        messages.success(
            request,
            f"The token “{token.name}” has been revoked. Anything using it can no longer reach the API.",
        )
    return redirect("accounts:profile")
