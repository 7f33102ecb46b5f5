"""/login, /login2fa, /logout, /ping, /me and /apitokens."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.http import HttpRequest, HttpResponse

from voiphistory.emulator import clock
from voiphistory.emulator.auth import ApiRequest, api_endpoint, issue_token
from voiphistory.emulator.errors import ApiError, json_response, no_content
from voiphistory.emulator.models import Token, TwoFactorChallenge, User
from voiphistory.emulator.query import parse_filters
from voiphistory.emulator.resources import Resource

_CHALLENGE_SECONDS = 300
_TOKEN_RESOURCE = Resource("apitokens", Token, "created_at", hidden=frozenset({"user_id", "last_used"}))


def json_body(request: HttpRequest) -> object:
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        raise ApiError(400, "Invalid JSON body") from None


def _login_success(user: User) -> HttpResponse:
    token = issue_token(user)
    return json_response({"message": "Login success", "user_token": token.token, "user_id": user.id})


@api_endpoint("POST", authenticated=False)
def login(request: HttpRequest) -> HttpResponse:
    body = json_body(request)
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid JSON body")
    email, password = str(body.get("email") or ""), str(body.get("password") or "")
    user = User.objects.filter(email__iexact=email, active=True).first()
    if user is None or not check_password(password, user.password):
        # The live API answers bad credentials with only an errors list.
        return json_response({"errors": [{"message": "Invalid credentials"}]}, status=401)
    if user.two_factor_auth:
        challenge = TwoFactorChallenge.objects.create(
            nonce=secrets.token_hex(16), user=user, created=clock.now()
        )
        return json_response({"nonce": challenge.nonce}, status=202)
    return _login_success(user)


@api_endpoint("POST", authenticated=False)
def login_2fa(request: HttpRequest) -> HttpResponse:
    body = json_body(request)
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid JSON body")
    challenge = TwoFactorChallenge.objects.select_related("user").filter(nonce=str(body.get("nonce"))).first()
    if challenge is None or clock.now() - challenge.created > _CHALLENGE_SECONDS:
        return json_response({"errors": [{"message": "Invalid or expired nonce"}]}, status=401)
    if str(body.get("code", "")).strip() != settings.EMULATOR_2FA_CODE:
        return json_response({"errors": [{"field": "code", "message": "Invalid code"}]}, status=401)
    challenge.delete()
    return _login_success(challenge.user)


@api_endpoint("POST", writes_need_admin=False)
def logout(request: ApiRequest) -> HttpResponse:
    request.api_token.delete()
    return json_response({"message": "Logout success"})


@api_endpoint("GET")
def ping(request: ApiRequest) -> HttpResponse:
    return json_response({"data": {"response": "Pong"}})


@api_endpoint("GET")
def me(request: ApiRequest) -> HttpResponse:
    user = request.api_user
    return json_response(
        {
            "data": {
                "id": user.id,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "customer_id": user.customer_id,
                "roles": user.roles,
                "extension": user.extension,
                "two_factor_auth": user.two_factor_auth,
                # The live /me also carries SIP credentials; the emulator shows the shape.
                "sip_username": f"{user.customer_id}{user.extension}",
                "sip_password": f"sip-{user.id:x}-secret",
            },
            "links": {},
        }
    )


def _token_api(token: Token) -> dict:
    return {"token": token.token, "name": token.name, "created_at": token.created_at}


@api_endpoint("GET", "POST", writes_need_admin=False)
def api_tokens(request: ApiRequest) -> HttpResponse:
    if request.method == "GET":
        tokens = Token.objects.filter(user=request.api_user).exclude(name="")
        tokens = tokens.filter(parse_filters(request.GET.get("filter"), _TOKEN_RESOURCE)).order_by(
            "created_at"
        )
        data = [_token_api(token) for token in tokens]
        return json_response({"data": data, "total": len(data)})
    body = json_body(request)
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid JSON body")
    name, expiry = body.get("name"), body.get("expiry")
    errors = []
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        errors.append({"field": "name", "message": "This value should not be blank."})
    elif Token.objects.filter(user=request.api_user, name=name).exists():
        errors.append({"field": "name", "message": "This value is already used."})
    if isinstance(expiry, bool) or not isinstance(expiry, int) or expiry < 1:
        errors.append({"field": "expiry", "message": "This value should be a positive integer."})
    if errors or not isinstance(name, str):  # (a name that is not a string is among the errors)
        raise ApiError(400, "Validation error", errors=errors)
    token = issue_token(request.api_user, name=name, idle_seconds=expiry)
    return json_response({"data": _token_api(token)}, status=201)


@api_endpoint("DELETE", writes_need_admin=False)
def api_token(request: ApiRequest, token: str) -> HttpResponse:
    deleted, _ = Token.objects.filter(user=request.api_user, token=token).exclude(name="").delete()
    if not deleted:
        raise ApiError(404)
    return no_content()
