"""The seed's REST API (v0): envelopes of ``status`` (SUCCESS / FAILED / VALIDATION_FAILED) and ``message``.

Reading endpoints live here; they answer in the shapes of ``formats``. Permissions are the same
IAM rules as the v1 API (``apps.users.permissions``).
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status as http
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from apps.nodes import graph_edits
from apps.nodes.choices import NodeStatus
from apps.nodes.defaults import UnknownKind, new_operation, new_workflow
from apps.nodes.models import Node, WorkerState
from apps.users.api.authentication import SingleUserAuthentication, SingleUserBasicAuthentication
from apps.users.models import User
from apps.users.permissions import can_create, can_modify, can_view
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
            if isinstance(detail, list) and len(detail) == 1:
                detail = detail[0]
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


# --- changing a graph ------------------------------------------------------------------------


def _writable_graph(request: Request, graph_id: str) -> Node:
    workflow = _node_or_404(graph_id)
    if not is_workflow_kind(workflow.kind):
        raise Http404(f"Graph `{graph_id}` was not found.")
    if not can_view(request.user, author_id=workflow.author_id, workflow=True):
        raise PermissionDenied("You may not view this graph.")
    if not can_modify(request.user, author_id=workflow.author_id, workflow=True):
        raise PermissionDenied("This graph is read-only for you.")
    return workflow


def _save_graph(workflow: Node, fields: list[str]) -> None:
    """Store changed fields after the model's own checks (documents, lengths); 400 when they fail."""
    try:
        workflow.full_clean(validate_unique=False)
    except DjangoValidationError as error:
        raise ValidationError(_messages(error)) from None
    workflow.save(update_fields=[*fields, "updated_at"])


def _messages(error: DjangoValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


def _body(request: Request, *required: str) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError("The request body must be a JSON object.")
    missing = [name for name in required if name not in data]
    if missing:
        raise ValidationError(f"Missing field(s): {', '.join(missing)}.")
    return dict(data)


def _endpoint(data: dict[str, Any], key: str) -> tuple[str, str]:
    end = data.get(key)
    if not isinstance(end, dict) or not isinstance(end.get("node_id"), str) or not isinstance(end.get("resource"), str):
        raise ValidationError(f"`{key}` must be an object with the strings `node_id` and `resource`.")
    return end["node_id"], end["resource"]


class GraphUpdateView(V0View):
    """``PATCH graphs/{id}/update``: change the graph's title and description."""

    FIELDS = ("title", "description")

    def patch(self, request: Request, graph_id: str) -> Response:
        workflow = _writable_graph(request, graph_id)
        data = _body(request)
        unknown = sorted(set(data) - set(self.FIELDS))
        if unknown:
            raise ValidationError(f"Unknown field(s): {', '.join(unknown)}; only {', '.join(self.FIELDS)} can change.")
        for name, value in data.items():
            if not isinstance(value, str):
                raise ValidationError(f"`{name}` must be a string.")
            setattr(workflow, name, value)
        _save_graph(workflow, list(data))
        return envelope(f"Graph `{workflow.id}` updated.", graph=graph_v0(workflow, user=request.user))


class GraphNodesView(V0View):
    """``graphs/{id}/nodes/{action}``: list, insert and remove nodes, create and remove links, set parameters."""

    def get(self, request: Request, graph_id: str, action: str) -> Response:
        if action != "list_nodes":
            raise Http404(f"Unknown action `{action}`.")
        workflow = _node_or_404(graph_id)
        if not is_workflow_kind(workflow.kind) or not can_view(
            request.user, author_id=workflow.author_id, workflow=True
        ):
            raise Http404(f"Graph `{graph_id}` was not found.")
        return envelope(nodes=graph_v0(workflow, user=request.user)["nodes"])

    def post(self, request: Request, graph_id: str, action: str) -> Response:
        workflow = _writable_graph(request, graph_id)
        docs = list(workflow.nodes)
        inserted: str | None = None
        try:
            if action == "insert_node":
                data = _body(request, "node_id")
                docs, inserted = self._insert(request, docs, data)
            elif action == "remove_node":
                docs = graph_edits.remove_node(docs, str(_body(request, "node_id")["node_id"]))
            elif action in ("create_link", "remove_link"):
                data = _body(request, "from", "to")
                (from_node, from_output), (to_node, to_input) = _endpoint(data, "from"), _endpoint(data, "to")
                edit = graph_edits.create_link if action == "create_link" else graph_edits.remove_link
                docs = edit(docs, from_node=from_node, from_output=from_output, to_node=to_node, to_input=to_input)
            elif action == "change_parameter":
                data = _body(request, "node_id", "parameter_name", "parameter_value")
                docs = graph_edits.change_parameter(
                    docs, node_id=str(data["node_id"]), name=str(data["parameter_name"]), value=data["parameter_value"]
                )
            else:
                raise Http404(f"Unknown action `{action}`.")
        except graph_edits.EditError as error:
            raise ValidationError(str(error)) from None
        workflow.nodes = docs
        _save_graph(workflow, ["nodes"])
        extra: dict[str, Any] = {"graph": graph_v0(workflow, user=request.user)}
        if inserted is not None:
            extra["node"] = next(node for node in extra["graph"]["nodes"] if node["_id"] == inserted)
        return envelope(f"Graph `{workflow.id}`: {action} done.", **extra)

    def _insert(self, request: Request, docs: list[dict[str, Any]], data: dict[str, Any]) -> tuple[list[Any], str]:
        operation = _node_or_404(str(data["node_id"]))
        if is_workflow_kind(operation.kind) or not can_view(
            request.user, author_id=operation.author_id, workflow=False
        ):
            raise Http404(f"Node `{data['node_id']}` was not found.")
        if operation.node_status == NodeStatus.MANDATORY_DEPRECATED:
            raise ValidationError(f"Node `{operation.id}` is deprecated and can no longer be used.")
        try:
            x, y = int(data.get("x", 0)), int(data.get("y", 0))
        except (TypeError, ValueError):
            raise ValidationError("`x` and `y` must be integers.") from None
        source = {
            "_id": operation.id,
            "kind": operation.kind,
            "title": operation.title,
            "description": operation.description,
            "inputs": operation.inputs,
            "outputs": operation.outputs,
            "parameters": operation.parameters,
            "logs": operation.logs,
            "nodes": operation.nodes,
        }
        docs = graph_edits.insert_node(docs, source, x=x, y=y)
        return docs, docs[-1]["_id"]
