"""The seed's REST API (v0): envelopes of ``status`` (SUCCESS / FAILED / VALIDATION_FAILED) and ``message``.

Reading endpoints live here; they answer in the shapes of ``formats``. Permissions are the same
IAM rules as the v1 API (``apps.users.permissions``).
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest
from rest_framework import status as http
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from apps.graphs import engine
from apps.graphs.choices import GraphRunningStatus
from apps.graphs.models import Run
from apps.graphs.services import (
    RunValidationFailed,
    graph_validate,
    parameter_reference_messages,
    run_cancel,
    run_create,
    workflow_parameters_parse,
)
from apps.graphs.services.run_parameters import parameter_reference_problems
from apps.nodes import graph_edits
from apps.nodes.choices import NodeStatus
from apps.nodes.codegen import workflow_code
from apps.nodes.defaults import UnknownKind, new_operation, new_workflow
from apps.nodes.documents import SUB_NODES, dump_list, parse_list
from apps.nodes.models import Node, WorkerState
from apps.nodes.node_services import (
    NodeValidationFailed,
    node_documents_parse,
    node_update,
    operation_approve,
    operation_deprecate,
    operation_preview_cmd,
    operation_validate,
    workflow_rearrange,
    workflow_upgrade_nodes,
)
from apps.nodes.selectors import node_list
from apps.resources.api.uploads import LimitedTemporaryFileUploadHandler, UploadTooLarge
from apps.resources.api.views import download_content_type, download_name
from apps.resources.previews import resource_preview
from apps.resources.selectors import resource_get
from apps.resources.services import ResourceError, resource_create_from_upload, resource_open
from apps.users.api.authentication import SingleUserAuthentication, SingleUserBasicAuthentication
from apps.users.models import User
from apps.users.permissions import can_control_run, can_create, can_modify, can_run, can_view
from plynx_site.api_v0.authentication import TokenAsUsernameAuthentication
from plynx_site.api_v0.formats import (
    graph_v0,
    graphs_v0,
    is_workflow_kind,
    latest_run,
    operation_v0,
    resources_dict,
    sub_node_from_v0,
    v0_date,
)
from plynx_site.ids import is_object_id, new_object_id

SUCCESS, FAILED, VALIDATION_FAILED = "SUCCESS", "FAILED", "VALIDATION_FAILED"


def envelope(
    message: str = "", *, status: str = SUCCESS, http_status: int = http.HTTP_200_OK, **extra: Any
) -> Response:
    return Response({"status": status, "message": message, **extra}, status=http_status)


class V0View(APIView):
    # The seed's face, documented by the seed: the OpenAPI schema describes the v1 API only.
    schema = None
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
            return envelope(str(exc) or "Not found.", status=FAILED, http_status=http.HTTP_404_NOT_FOUND)
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


# --- graph actions ---------------------------------------------------------------------------

GRAPH_ACTIONS = ("SAVE", "APPROVE", "VALIDATE", "REARRANGE", "UPGRADE_NODES", "CANCEL", "GENERATE_CODE", "CLONE")


class _ActionFailed(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class _GraphActions:
    """Applies a list of the seed's actions to one graph, in order, as ``request.user``."""

    def __init__(self, request: Request, workflow: Node, *, saved: bool) -> None:
        self.request = request
        self.user = request.user
        self.workflow = workflow
        self.saved = saved
        self.extra: dict[str, Any] = {}

    def apply(self, action: str) -> None:
        getattr(self, f"do_{action.lower()}")()

    def _docs(self) -> list[Any]:
        try:
            return parse_list(SUB_NODES, self.workflow.nodes, "nodes")
        except DjangoValidationError as error:
            raise ValidationError(_messages(error)) from None

    def _parameters(self) -> list[Any]:
        try:
            return workflow_parameters_parse(self.workflow.parameters)
        except DjangoValidationError as broken:
            raise ValidationError(_messages(broken)) from None

    def _check_references(self, docs: list[Any]) -> None:
        """Refuse node parameters referring to a workflow parameter that is missing or of another type (as v1 does)."""
        parameters = self._parameters()
        messages = parameter_reference_messages(docs=docs, parameters=parameters)
        if not messages:
            return
        by_name = {parameter.name: parameter for parameter in parameters}
        nodes = []
        for doc in docs:
            problems = parameter_reference_problems(doc=doc, parameters=by_name)
            if problems:
                nodes.append(engine.node_problems(doc.id, doc.title, problems))
        error = engine.graph_problems(self.workflow.id, nodes, count=len(messages))
        raise _ActionFailed(
            envelope(
                f"Graph `{self.workflow.id}` was not saved: {'; '.join(messages)}",
                status=VALIDATION_FAILED,
                validation_error=error.to_dict(),
                graph=graph_v0(self.workflow, user=self.user, saved=self.saved),
            )
        )

    def do_save(self) -> None:
        if self.saved and not can_modify(self.user, author_id=self.workflow.author_id, workflow=True):
            raise PermissionDenied("This graph is read-only for you.")
        if not self.saved and not can_create(self.user, workflow=True):
            raise PermissionDenied("You may not create workflows.")
        docs = self._docs()
        self._check_references(docs)
        self.workflow.nodes = dump_list(docs)
        try:
            self.workflow.full_clean(validate_unique=False)
        except DjangoValidationError as error:
            raise ValidationError(_messages(error)) from None
        self.workflow.save()
        self.saved = True

    def do_validate(self) -> None:
        _, error = graph_validate(docs=self._docs(), graph_id=self.workflow.id, parameters=self._parameters())
        if error is not None:
            raise _ActionFailed(
                envelope(
                    f"Graph `{self.workflow.id}` has {len(error.leaves())} problem(s).",
                    status=VALIDATION_FAILED,
                    validation_error=error.to_dict(),
                    graph=graph_v0(self.workflow, user=self.user, saved=self.saved),
                )
            )

    def do_approve(self) -> None:
        self.do_save()
        if not can_run(self.user, author_id=self.workflow.author_id):
            raise PermissionDenied("You may not run this graph.")
        try:
            run = run_create(workflow=self.workflow, author=cast(User, self.user))
        except RunValidationFailed as failure:
            raise _ActionFailed(
                envelope(
                    f"Graph `{self.workflow.id}` has {len(failure.error.leaves())} problem(s).",
                    status=VALIDATION_FAILED,
                    validation_error=failure.error.to_dict(),
                    graph=graph_v0(self.workflow, user=self.user),
                )
            ) from None
        self.extra["run_id"] = run.id

    def do_cancel(self) -> None:
        run = latest_run(self.workflow) if self.saved else None
        if run is None:
            raise ValidationError(f"Graph `{self.workflow.id}` has not run.")
        if not can_control_run(self.user, author_id=run.author_id):
            raise PermissionDenied("You may not cancel this run.")
        run_cancel(run=run)

    def _stored_and_writable(self, action: str) -> None:
        if not self.saved:
            raise ValidationError(f"{action} works on a stored graph: put SAVE before it.")
        if not can_modify(self.user, author_id=self.workflow.author_id, workflow=True):
            raise PermissionDenied("This graph is read-only for you.")

    def do_rearrange(self) -> None:
        """Lay the stored graph out by topology (SAVE first to include posted changes)."""
        self._stored_and_writable("REARRANGE")
        try:
            self.workflow = workflow_rearrange(workflow=self.workflow)
        except DjangoValidationError as error:
            raise ValidationError(_messages(error)) from None

    def do_upgrade_nodes(self) -> None:
        """Replace nodes of deprecated operations by their successors' current versions."""
        self._stored_and_writable("UPGRADE_NODES")
        result = workflow_upgrade_nodes(workflow=self.workflow)
        self.workflow = result.workflow
        self.extra["upgraded_nodes_count"] = result.upgraded_nodes_count

    def do_generate_code(self) -> None:
        """Python code that recreates the graph (as posted) with the platform's Python API."""
        self.extra["code"] = workflow_code(
            title=self.workflow.title,
            description=self.workflow.description,
            docs=self.workflow.nodes,
            parameters=self.workflow.parameters,
        )

    def do_clone(self) -> None:
        if not can_create(self.user, workflow=True):
            raise PermissionDenied("You may not create workflows.")
        source = self.workflow
        clone = Node(
            id=new_object_id(),
            kind=source.kind,
            title=source.title,
            description=source.description,
            author=cast(User, self.user),
            parameters=source.parameters,
            nodes=source.nodes,
            parent_node=source if self.saved else None,
        )
        clone.full_clean(validate_unique=False)
        clone.save()
        self.workflow, self.saved = clone, True
        self.extra["new_graph_id"] = clone.id


def _actions(data: dict[str, Any]) -> list[str]:
    raw = data.get("actions", data.get("action"))
    actions = [raw] if isinstance(raw, str) else raw
    if not isinstance(actions, list) or not actions or not all(isinstance(a, str) for a in actions):
        raise ValidationError("`actions` must be a non-empty list of action names.")
    unknown = [a for a in actions if a not in GRAPH_ACTIONS]
    if unknown:
        raise ValidationError(f"Unknown action(s): {', '.join(unknown)}; expected some of {', '.join(GRAPH_ACTIONS)}.")
    return actions


def _run_actions(request: Request, workflow: Node, actions: list[str], *, saved: bool) -> Response:
    runner = _GraphActions(request, workflow, saved=saved)
    with transaction.atomic():
        for action in actions:
            try:
                runner.apply(action)
            except _ActionFailed as failed:
                return failed.response
    graph = graph_v0(runner.workflow, user=request.user, saved=runner.saved)
    return envelope(
        f"Actions completed with Graph(_id=`{workflow.id}`)",
        graph=graph,
        url=f"/graphs/{runner.workflow.id}",
        **runner.extra,
    )


class GraphsView(V0View):
    """``POST graphs``: apply a list of actions (SAVE, APPROVE, VALIDATE, CANCEL, CLONE, ...) to a graph."""

    def post(self, request: Request) -> Response:
        data = _body(request, "graph")
        actions = _actions(data)
        posted = data["graph"]
        if not isinstance(posted, dict) or not isinstance(posted.get("nodes", []), list):
            raise ValidationError("`graph` must be a Graph object with a list of `nodes`.")
        graph_id = posted.get("_id")
        if graph_id is not None and not is_object_id(graph_id):
            raise ValidationError("`graph._id` must be 24 hexadecimal digits.")
        existing = Node.objects.filter(pk=graph_id).first() if graph_id else None
        if existing is not None and not is_workflow_kind(existing.kind):
            raise ValidationError(f"`{graph_id}` is not a graph.")
        if existing is not None and not can_view(request.user, author_id=existing.author_id, workflow=True):
            raise Http404(f"Graph `{graph_id}` was not found.")
        workflow = existing or new_workflow(author=request.user)
        if graph_id and existing is None:
            workflow.id = graph_id
        for name in ("title", "description"):
            if name in posted:
                if not isinstance(posted[name], str):
                    raise ValidationError(f"`graph.{name}` must be a string.")
                setattr(workflow, name, posted[name])
        nodes = [sub_node_from_v0(node) if isinstance(node, dict) else node for node in posted.get("nodes", [])]
        workflow.nodes = nodes
        return _run_actions(request, workflow, actions, saved=existing is not None)


class GraphActionView(V0View):
    """``POST graphs/{id}/{action}``: one action on the stored graph, without a body."""

    def post(self, request: Request, graph_id: str, action: str) -> Response:
        workflow = _node_or_404(graph_id)
        if not is_workflow_kind(workflow.kind) or not can_view(
            request.user, author_id=workflow.author_id, workflow=True
        ):
            raise Http404(f"Graph `{graph_id}` was not found.")
        name = action.upper()
        if action != action.lower() or name not in GRAPH_ACTIONS or name == "SAVE":
            raise Http404(f"Unknown action `{action}`.")
        return _run_actions(request, workflow, _actions({"actions": [name]}), saved=True)


# --- files and resources ---------------------------------------------------------------------


class UploadFileView(V0View):
    """``upload_file`` (POST or PUT, multipart): store ``data`` and make a File node whose output is it.

    Form fields: ``data`` (the file), ``title``, ``description``, ``file_type`` (a configured
    kind, default ``file``) and ``node_kind`` (the seed's ``basic-file``; any static kind).
    """

    parser_classes = [MultiPartParser]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        request.upload_handlers = [
            LimitedTemporaryFileUploadHandler(request, max_bytes=settings.PLYNX_MAX_UPLOAD_BYTES)
        ]
        return super().initialize_request(request, *args, **kwargs)

    def post(self, request: Request) -> Response:
        if not can_create(request.user, workflow=False):
            raise PermissionDenied("You may not create operations or files.")
        try:
            form = cast(dict[str, Any], request.data)
        except RequestDataTooBig:
            raise UploadTooLarge(settings.PLYNX_MAX_UPLOAD_BYTES) from None
        except TooManyFieldsSent:
            raise ValidationError("Too many form fields.") from None
        files = request.FILES.getlist("data")
        if len(files) != 1:
            raise ValidationError("Send exactly one file in the form field `data`.")
        static_kinds = [o.kind for o in settings.PLYNX_PLUGINS.operations if o.is_static]
        node_kind = str(form.get("node_kind") or "basic-file")
        kind = static_kinds[0] if node_kind == "basic-file" and static_kinds else node_kind
        if kind not in static_kinds:
            raise ValidationError(f"`node_kind` must be basic-file or one of {', '.join(static_kinds)}.")
        file_type = str(form.get("file_type") or "file")
        title = str(form.get("title") or files[0].name or "File")[:255]
        try:
            resource = resource_create_from_upload(
                upload=files[0],
                file_type=file_type,
                original_name=files[0].name or "",
                author=cast(User, request.user),
            )
        except ResourceError as error:
            raise ValidationError(error.message) from None
        node = Node.objects.create(
            kind=kind,
            title=title,
            description=str(form.get("description") or ""),
            author=cast(User, request.user),
            node_status=NodeStatus.READY,
            outputs=[{"name": "out", "file_type": file_type, "resource_id": resource.id}],
        )
        return envelope(
            f"File `{title}` uploaded.", resource_id=resource.id, node=operation_v0(node, user=request.user)
        )

    def put(self, request: Request) -> Response:
        return self.post(request)


class ResourceView(V0View):
    """``resources/{id}``: the bytes, or with ``preview=true`` a bounded, escaped preview as JSON."""

    def get(self, request: Request, resource_id: str) -> Response | FileResponse:
        resource = resource_get(user=request.user, resource_id=resource_id) if is_object_id(resource_id) else None
        if resource is None:
            raise Http404(f"Resource `{resource_id}` was not found.")
        preview = str(request.query_params.get("preview", "false")).lower() in ("1", "true", "yes")
        file_type = request.query_params.get("file_type")
        if file_type is not None and file_type != resource.file_type:
            raise ValidationError(f"Resource `{resource_id}` is a {resource.file_type}, not a {file_type}.")
        try:
            if preview:
                return envelope(preview=resource_preview(resource), file_type=resource.file_type)
            stream = resource_open(resource)
        except FileNotFoundError:
            raise Http404(f"The bytes of resource `{resource_id}` are missing from storage.") from None
        response = FileResponse(
            stream, as_attachment=True, filename=download_name(resource), content_type=download_content_type(resource)
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- search ----------------------------------------------------------------------------------


def _search_body(request: Request, allowed: tuple[str, ...]) -> tuple[str, int, int, list[str], dict[str, Any]]:
    data = _body(request)
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(f"Unknown key(s): {', '.join(unknown)}; expected some of {', '.join(allowed)}.")
    search = data.get("search", "")
    if not isinstance(search, str):
        raise ValidationError("`search` must be a string.")
    numbers = {}
    for name, default, top in (("per_page", 20, 1000), ("offset", 0, None)):
        value = data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (top is not None and value > top):
            bound = f" and at most {top}" if top else ""
            raise ValidationError(f"`{name}` must be a whole number from 0{bound}.")
        numbers[name] = value
    status = data.get("status", [])
    statuses = [status] if isinstance(status, str) else status
    if not isinstance(statuses, list) or not all(isinstance(item, str) for item in statuses):
        raise ValidationError("`status` must be a string or a list of strings.")
    return search, numbers["per_page"], numbers["offset"], statuses, data


def _visible(request: Request, *, workflow: bool, search: str) -> QuerySet[Node]:
    try:
        return node_list(user=request.user, workflow=workflow, search=search)
    except DjangoValidationError as error:
        raise ValidationError(_messages(error)) from None


class SearchGraphsView(V0View):
    """``POST search_graphs``: graphs by the search string and their running status, newest first."""

    def post(self, request: Request) -> Response:
        search, per_page, offset, statuses, _ = _search_body(request, ("search", "per_page", "offset", "status"))
        unknown = sorted(set(statuses) - set(GraphRunningStatus.values))
        if unknown:
            raise ValidationError(f"Unknown status(es): {', '.join(unknown)}.")
        graphs = _visible(request, workflow=True, search=search)
        if statuses:
            latest = Run.objects.filter(workflow=OuterRef("pk"), parent_node_run__isnull=True).order_by("-created_at")
            graphs = graphs.annotate(
                running_status=Coalesce(Subquery(latest.values("status")[:1]), Value(GraphRunningStatus.CREATED))
            ).filter(running_status__in=statuses)
        graphs = graphs.order_by("-created_at", "-id")
        items = graphs_v0(list(graphs[offset : offset + per_page]), user=request.user)
        return envelope(items=items, total_count=graphs.count())


class SearchNodesView(V0View):
    """``POST search_nodes``: operations and files by the search string, status and base node names."""

    def post(self, request: Request) -> Response:
        search, per_page, offset, statuses, data = _search_body(
            request, ("search", "per_page", "offset", "status", "base_node_names")
        )
        unknown = sorted(set(statuses) - set(NodeStatus.values))
        if unknown:
            raise ValidationError(f"Unknown status(es): {', '.join(unknown)}.")
        kinds = data.get("base_node_names", [])
        if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
            raise ValidationError("`base_node_names` must be a list of strings.")
        nodes = _visible(request, workflow=False, search=search)
        if statuses:
            nodes = nodes.filter(node_status__in=statuses)
        if kinds:
            nodes = nodes.filter(kind__in=kinds)
        nodes = nodes.order_by("-created_at", "-id")
        items = [operation_v0(node, user=request.user) for node in nodes[offset : offset + per_page]]
        return envelope(items=items, resources_dict=resources_dict(), total_count=nodes.count())


# --- node actions ----------------------------------------------------------------------------

NODE_ACTIONS = ("SAVE", "APPROVE", "VALIDATE", "DEPRECATE", "MANDATORY_DEPRECATE", "PREVIEW_CMD")
_NODE_FIELDS = ("title", "description", "x", "y", "inputs", "outputs", "parameters", "logs", "nodes")


class _NodeActions:
    """Applies the seed's node actions, in order, to one operation (or file) as ``request.user``."""

    def __init__(self, request: Request, node: Node, *, saved: bool, posted: dict[str, Any]) -> None:
        self.user = request.user
        self.node = node
        self.saved = saved
        # The fields an action may store (what the seed's Node has beyond them is derived here).
        self.posted = {name: posted[name] for name in _NODE_FIELDS if name in posted}
        self.successor_id = posted.get("successor_node")
        self.extra: dict[str, Any] = {}

    def _writable(self) -> None:
        if self.saved and not can_modify(self.user, author_id=self.node.author_id, workflow=False):
            raise PermissionDenied("This node is read-only for you.")
        if not self.saved and not can_create(self.user, workflow=False):
            raise PermissionDenied("You may not create operations.")

    def do_save(self) -> None:
        self._writable()
        try:
            if self.saved:
                self.node = node_update(node=self.node, data=self.posted)
            else:
                fields = {name: self.posted[name] for name in _NODE_FIELDS[:4] if name in self.posted}
                fields.update(node_documents_parse(data=self.posted))
                self.node = Node(id=self.node.id, kind=self.node.kind, author=self.node.author, **fields)
                self.node.full_clean(validate_unique=False)
                self.node.save(force_insert=True)
                self.saved = True
        except DjangoValidationError as error:
            raise ValidationError(_messages(error)) from None

    def _failed(self, error: Any) -> _ActionFailed:
        return _ActionFailed(
            envelope(
                f"Node `{self.node.id}` has {len(error.leaves())} problem(s).",
                status=VALIDATION_FAILED,
                validation_error=error.to_dict(),
                node=operation_v0(self.node, user=self.user),
            )
        )

    def do_validate(self) -> None:
        try:
            error = operation_validate(operation=self.node)
        except DjangoValidationError as problem:
            raise ValidationError(_messages(problem)) from None
        if error is not None:
            raise self._failed(error)

    def do_approve(self) -> None:
        self.do_save()
        try:
            self.node = operation_approve(operation=self.node)
        except NodeValidationFailed as failure:
            raise self._failed(failure.error) from None
        except DjangoValidationError as problem:
            raise ValidationError(_messages(problem)) from None

    def _deprecate(self, *, mandatory: bool) -> None:
        if not self.saved:
            raise ValidationError("Only a stored node can be deprecated.")
        self._writable()
        successor_id = self.successor_id
        successor = Node.objects.filter(pk=successor_id).first() if is_object_id(successor_id) else None
        if successor_id and successor is None:
            raise ValidationError(f"The successor node `{successor_id}` was not found.")
        try:
            self.node = operation_deprecate(operation=self.node, mandatory=mandatory, successor=successor)
        except DjangoValidationError as problem:
            raise ValidationError(_messages(problem)) from None

    def do_deprecate(self) -> None:
        self._deprecate(mandatory=False)

    def do_mandatory_deprecate(self) -> None:
        self._deprecate(mandatory=True)

    def do_preview_cmd(self) -> None:
        try:
            self.extra["preview_text"] = operation_preview_cmd(operation=self.node)
        except DjangoValidationError as problem:
            raise ValidationError(_messages(problem)) from None


class NodesView(V0View):
    """``POST nodes``: apply SAVE, APPROVE, VALIDATE, DEPRECATE, MANDATORY_DEPRECATE or PREVIEW_CMD to a node."""

    def post(self, request: Request) -> Response:
        data = _body(request, "node")
        raw = data.get("actions", data.get("action"))
        actions = [raw] if isinstance(raw, str) else raw
        if not isinstance(actions, list) or not actions or not all(a in NODE_ACTIONS for a in actions):
            raise ValidationError(f"`action` must be one or a list of {', '.join(NODE_ACTIONS)}.")
        posted = data["node"]
        if not isinstance(posted, dict):
            raise ValidationError("`node` must be a Node object.")
        node_id = posted.get("_id")
        if node_id is not None and not is_object_id(node_id):
            raise ValidationError("`node._id` must be 24 hexadecimal digits.")
        existing = Node.objects.filter(pk=node_id).first() if node_id else None
        if existing is not None and (
            is_workflow_kind(existing.kind) or not can_view(request.user, author_id=existing.author_id, workflow=False)
        ):
            raise Http404(f"Node `{node_id}` was not found.")
        kind = posted.get("base_node_name", existing.kind if existing else None)
        if existing is not None and kind != existing.kind:
            raise ValidationError(f"The base node name cannot change (it is {existing.kind}).")
        if existing is None:
            if not isinstance(kind, str) or kind not in settings.PLYNX_PLUGINS.operation_kinds:
                raise ValidationError(
                    f"`base_node_name` must be one of {', '.join(settings.PLYNX_PLUGINS.operation_kinds)}."
                )
            node = Node(id=node_id or new_object_id(), kind=kind, author=cast(User, request.user))
        else:
            node = existing
        runner = _NodeActions(request, node, saved=existing is not None, posted=posted)
        if existing is None or "SAVE" not in actions:
            # What the actions look at is the node as posted, stored or not.
            for name, value in runner.posted.items():
                setattr(node, name, value)
        with transaction.atomic():
            for action in actions:
                try:
                    getattr(runner, f"do_{action.lower()}")()
                except _ActionFailed as failed:
                    return failed.response
        return envelope(
            f"Actions completed with Node(_id=`{runner.node.id}`)",
            node=operation_v0(runner.node, user=request.user),
            url=f"/nodes/{runner.node.id}",
            **runner.extra,
        )
