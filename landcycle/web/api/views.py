"""The API frame: the restricted read-only viewset every app's API builds on, and the token
exchange."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from landcycle.core.permissions import Action, restrict
from landcycle.web.api.authentication import fresh_token
from landcycle.web.auth import client_address, is_locked


class RestrictedViewSet(viewsets.ReadOnlyModelViewSet):
    """Every row comes through ``restrict(queryset, user, action)``."""

    action_name = Action.VIEW

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user, self.action_name)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (same lockout as the login page)."""

    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": drf_serializers.CharField(), "password": drf_serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": drf_serializers.CharField()}),
    )
    def post(self, request):
        username = str(request.data.get("username", ""))
        user = authenticate(request, username=username, password=request.data.get("password"))
        if user is None and is_locked(username, client_address(request)):
            return Response({"detail": "locked"}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            return Response({"detail": "invalid credentials"}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"token": fresh_token(user).key})
