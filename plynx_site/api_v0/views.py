"""The seed's REST API (v0): envelopes of ``status`` (SUCCESS / FAILED / VALIDATION_FAILED) and ``message``.

Reading endpoints live here; they answer in the shapes of ``formats``. Permissions are the same
IAM rules as the v1 API (``apps.users.permissions``).
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from rest_framework import status as http
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from apps.nodes.defaults import UnknownKind, new_operation, new_workflow
from apps.nodes.models import Node, WorkerState
from apps.users.api.authentication import SingleUserAuthentication, SingleUserBasicAuthentication
from apps.users.models import User
from apps.users.permissions import can_create, can_view
from plynx_site.api_v0.authentication import TokenAsUsernameAuthentication
from plynx_site.api_v0.formats import graph_v0, is_workflow_kind, operation_v0, resources_dict, v0_date
from plynx_site.ids import is_object_id

SUCCESS, FAILED, VALIDATION_FAILED = "SUCCESS", "FAILED", "VALIDATION_FAILED"


def envelope(message: str = "", *, status: str = SUCCESS, code: int = http.HTTP_200_OK, **extra: Any) -> Response:
    return Response({"status": status, "message": message, **extra}, status=code)


class V0View(APIView):
    authentication_classes = [
        TokenAsUsernameAuthentication,
        SingleUserBasicAuthentication,
        BasicAuthentication,
        SessionAuthentication,
        SingleUserAuthentication,
    ]
    permission_classes = [IsAuthenticated]

    def handle_exception(self, exc: Exception) -> Response:
        """Every error in the seed's envelope, with its HTTP status."""
        if isinstance(exc, Http404):
            return envelope(str(exc) or "Not found.", status=FAILED, code=http.HTTP_404_NOT_FOUND)
        response = super().handle_exception(exc)
        if isinstance(exc, APIException):
            detail = exc.detail
            message = detail if isinstance(detail, str) else str(detail)
            response.data = {"status": FAILED, "message": message}
        return response


def _node_or_404(node_id: str) -> Node:
    node = Node.objects.filter(pk=node_id).first() if is_object_id(node_id) else None
    if node is None:
        raise Http404(f"Node `{node_id}` was not found.")
    return node


class TokenView(V0View):
    """``GET token``: an access and a refresh token for the authenticated user.

    Authenticated with a refresh token as the basic user name, it hands out a new access token
    (the seed's clients refresh this way).
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        setattr(request._request, TokenAsUsernameAuthentication.REFRESH_ALLOWED, True)
        super().initial(request, *args, **kwargs)

    def get(self, request: Request) -> Response:
        auth = request.auth
        refresh = auth if isinstance(auth, RefreshToken) else RefreshToken.for_user(cast(User, request.user))
        return envelope(access_token=str(refresh.access_token), refresh_token=str(refresh))


class GraphView(V0View):
    """``GET graphs/{id}``: a workflow as a Graph; ``new`` gives an unsaved default one."""

    def get(self, request: Request, graph_id: str) -> Response:
        if graph_id == "new":
            if not can_create(request.user, workflow=True):
                raise PermissionDenied("You may not create workflows.")
            data = graph_v0(new_workflow(author=request.user), user=request.user, saved=False)
        else:
            workflow = _node_or_404(graph_id)
            if not is_workflow_kind(workflow.kind):
                raise Http404(f"Graph `{graph_id}` was not found.")
            if not can_view(request.user, author_id=workflow.author_id, workflow=True):
                raise PermissionDenied("You may not view this graph.")
            data = graph_v0(workflow, user=request.user)
        return envelope(data=data, resources_dict=resources_dict())


class NodeView(V0View):
    """``GET nodes/{id}``: an operation or file; a base node name (``python``, ...) gives a default one."""

    def get(self, request: Request, node_id: str) -> Response:
        if not is_object_id(node_id):
            if not can_create(request.user, workflow=False):
                raise PermissionDenied("You may not create operations.")
            try:
                node = new_operation(kind=node_id, author=request.user)
            except UnknownKind as error:
                raise Http404(str(error)) from None
        else:
            node = _node_or_404(node_id)
            if is_workflow_kind(node.kind):
                raise Http404(f"Node `{node_id}` is a graph; see graphs/{node_id}.")
            if not can_view(request.user, author_id=node.author_id, workflow=False):
                raise PermissionDenied("You may not view this node.")
        return envelope(data=operation_v0(node, user=request.user), resources_dict=resources_dict())


class MasterStateView(V0View):
    """``GET master_state``: the workers and what they run."""

    def get(self, request: Request) -> Response:
        workers = [
            {
                "worker_id": state.worker_id,
                "host": state.host,
                "kinds": state.kinds,
                "queues": state.queues,
                "concurrency": state.concurrency,
                "runs": state.current_runs,
                "started_at": v0_date(state.started_at),
                "last_heartbeat": v0_date(state.last_heartbeat),
            }
            for state in WorkerState.objects.order_by("worker_id")
        ]
        return envelope(master_state={"workers": workers})
