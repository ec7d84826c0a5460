from django.urls import path

from . import oidc, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("sso/start/", oidc.SignInView.as_view(), name="oidc_start"),
    path("sso/callback/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("profile/", views.profile, name="profile"),
    path("tokens/<uuid:public_id>/revoke/", views.revoke_token, name="revoke_token"),
]
