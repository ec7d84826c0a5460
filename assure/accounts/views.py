from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_POST

from assure.core.ratelimit import ratelimit
from assure.organisations.models import Membership

from .forms import ApiTokenForm, EmailAuthenticationForm, NewPasswordForm, PasswordResetRequestForm
from .models import ApiToken

NEW_TOKEN_SESSION_KEY = "assure:new-api-token"


limit_sign_in = method_decorator(
    ratelimit(key="ip", rate="login", group="login", methods=["POST"]), "dispatch"
)


@limit_sign_in
class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        return context


# Password reset by email, with Django's views: the link in the email works once, for PASSWORD_RESET_TIMEOUT.


@method_decorator(
    ratelimit(key="ip", rate="login", group="password_reset", methods=["POST"]), name="dispatch"
)
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        # Links use SITE_URL, never the Host header of the request that asked for the email.
        return {"site_url": settings.SITE_URL, "service_name": settings.SERVICE_NAME}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.email.lower())  # a new password lifts a lockout for that address
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


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
