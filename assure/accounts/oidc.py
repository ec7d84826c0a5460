"""Optional single sign-on with OpenID Connect (mozilla-django-oidc), for NHS organisations' identity providers.

Off unless `OIDC_ENABLED=true`. A person signing in this way is matched to an existing, active account by the
email address the provider vouches for; nobody new is created unless `OIDC_CREATE_USER=true`. Their roles still
come from Assure's memberships, never from the provider.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from jwt.exceptions import PyJWTError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import User

logger = logging.getLogger(__name__)

NO_ACCOUNT = (
    "There is no {service} account for {email}. Ask your platform admin to add you, using the email address "
    "your organisation’s sign-in gives."
)
NO_EMAIL = "Your organisation’s sign-in did not give a verified email address, so we cannot tell who you are."
FAILED = "Signing in with your organisation’s account did not work. Try again, or sign in with your password."


class EmailOIDCBackend(OIDCAuthenticationBackend):
    """Matches the provider's verified email address to an account, case-insensitively."""

    def authenticate(self, request, **kwargs):
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, PyJWTError, ValueError) as exc:
            logger.warning("Single sign-on failed: %s", exc)
            if not hasattr(request, "oidc_failure"):
                request.oidc_failure = FAILED
            return None

    def _verify_jws(self, payload, key):
        """Check the ID token's signature, and (unlike the library's default) that it was issued to this service,
        by the configured issuer, and has not expired."""
        algorithm = jwt.get_unverified_header(payload).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"ID token signed with {algorithm!r}, expected {self.OIDC_RP_SIGN_ALGO!r}."
            )
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER or None,
                leeway=60,
                options={"require": ["exp", "iat", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from None

    def verify_claims(self, claims) -> bool:
        email = claims.get("email")
        if not email or claims.get("email_verified") is False:
            self.request.oidc_failure = NO_EMAIL
            return False
        return True

    def filter_users_by_claims(self, claims):
        return User.objects.filter(email__iexact=claims["email"].strip(), is_active=True)

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None and not hasattr(self.request, "oidc_failure"):
            email = (getattr(self, "_claims", None) or {}).get("email", "")
            self.request.oidc_failure = NO_ACCOUNT.format(service=settings.SERVICE_NAME, email=email)
        return user

    def get_userinfo(self, access_token, id_token, payload):
        self._claims = super().get_userinfo(access_token, id_token, payload)
        return self._claims

    def create_user(self, claims):
        return User.objects.create_user(
            email=claims["email"].strip(), password=None, full_name=claims.get("name", "")[:200]
        )

    def update_user(self, user, claims):
        if not user.full_name and claims.get("name"):
            user.full_name = claims["name"][:200]
            user.save(update_fields=["full_name", "updated_at"])
        return user


class SignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider; 404 while single sign-on is off."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; on failure, back to the sign-in page with the reason."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            return super().dispatch(request, *args, **kwargs)
        except SuspiciousOperation:  # an unknown or replayed `state`
            return self.login_failure()

    def login_failure(self):
        messages.error(self.request, getattr(self.request, "oidc_failure", FAILED))
        return redirect("accounts:login")
