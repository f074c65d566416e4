"""Operations, workflows and hubs in the v1 API: thin viewsets over ``apps.nodes.node_services``."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.nodes import node_services as services
from apps.nodes.api.filters import NodeFilter
from apps.nodes.api.permissions import NodePermission
from apps.nodes.api.serializers import (
    DeprecateSerializer,
    GeneratedCodeSerializer,
    HubSearchQuerySerializer,
    HubSerializer,
    NodeSerializer,
    NodeValidationFailedSerializer,
    OperationSerializer,
    PreviewSerializer,
    RunStartedSerializer,
    UpgradeResultSerializer,
    ValidationResultSerializer,
    WorkflowListSerializer,
    WorkflowRunSerializer,
    WorkflowSerializer,
)
from apps.nodes.codegen import workflow_code
from apps.nodes.models import Node
from apps.nodes.selectors import hub_list, hub_search, node_successor_candidate, node_visible

_FAILED = {400: NodeValidationFailedSerializer}


def _validation_result(error: Any) -> dict[str, Any]:
    return {"valid": error is None, "validation_error": error.to_dict() if error is not None else None}


class ServiceErrorsMixin:
    """Answers the services' errors: ``ValidationError`` and a failed validation are 400s."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.NodeValidationFailed):
            body = {"detail": exc.error.message, "validation_error": exc.error.to_dict()}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, DjangoValidationError):
            exc = serializers.ValidationError(get_error_detail(exc))
        response: Response = super().handle_exception(exc)  # type: ignore[misc]
        return response


class _NodeViewSet(ServiceErrorsMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
    """CRUD, clone and star shared by operations and workflows."""

    workflow: ClassVar[bool]
    permission_classes = [IsAuthenticated, NodePermission]
    filterset_class = NodeFilter
    ordering_fields = ["created_at", "updated_at", "title", "kind", "node_status", "starred"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Node]:
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return Node.objects.none()
        queryset = node_visible(user=self.request.user, workflow=self.workflow).select_related("author")
        if self.action in ("update", "partial_update") and isinstance(self.request.data, dict):
            # Documents the request replaces are not read first (a workflow's graph can be large).
            replaced = [name for name in services.DOCUMENT_FIELDS if name in self.request.data]
            queryset = queryset.defer(*replaced)
        return queryset

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        node = services.node_create(author=request.user, workflow=self.workflow, data=serializer.validated_data)
        return Response(self.get_serializer(node).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        node = self.get_object()
        serializer = self.get_serializer(node, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        node = services.node_update(node=node, data=serializer.validated_data)
        return Response(self.get_serializer(node).data)

    def perform_destroy(self, instance: Node) -> None:
        services.node_delete(node=instance)

    def _respond(self, node: Node, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(node).data, status=code)

    @extend_schema(request=None, responses={201: NodeSerializer})
    @action(detail=True, methods=["post"])
    def clone(self, request: Request, pk: str | None = None) -> Response:
        """An editable copy owned by the caller; its ``parent_node`` is this one."""
        node = services.node_clone(node=self.get_object(), author=request.user)
        return self._respond(node, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: NodeSerializer})
    @action(detail=True, methods=["post"])
    def star(self, request: Request, pk: str | None = None) -> Response:
        """Mark it prioritized (``starred``)."""
        return self._respond(services.node_star(node=self.get_object(), starred=True))

    @extend_schema(request=None, responses={200: NodeSerializer})
    @action(detail=True, methods=["post"])
    def unstar(self, request: Request, pk: str | None = None) -> Response:
        """Remove the ``starred`` mark."""
        return self._respond(services.node_star(node=self.get_object(), starred=False))


@extend_schema(tags=["operations"])
@extend_schema_view(
    list=extend_schema(summary="Operations the caller may view"),
    create=extend_schema(summary="Create an operation"),
)
class OperationViewSet(_NodeViewSet):
    """Operations (and files): the building blocks of workflows."""

    workflow = False
    serializer_class = OperationSerializer

    @extend_schema(request=None, responses={200: OperationSerializer, **_FAILED})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Validate the operation, then make it READY (usable in workflows, no longer editable)."""
        return self._respond(services.operation_approve(operation=self.get_object()))

    def _deprecate(self, request: Request, *, mandatory: bool) -> Response:
        operation = self.get_object()
        body = DeprecateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        successor = None
        successor_id = body.validated_data.get("successor")
        if successor_id:
            successor = node_successor_candidate(user=request.user, successor_id=successor_id)
            if successor is None:
                raise serializers.ValidationError({"successor": [f"no operation {successor_id}"]})
        node = services.operation_deprecate(operation=operation, mandatory=mandatory, successor=successor)
        return self._respond(node)

    @extend_schema(request=DeprecateSerializer, responses={200: OperationSerializer})
    @action(detail=True, methods=["post"])
    def deprecate(self, request: Request, pk: str | None = None) -> Response:
        """Deprecate an approved operation: it can still be used; ``successor`` names its replacement."""
        return self._deprecate(request, mandatory=False)

    @extend_schema(request=DeprecateSerializer, responses={200: OperationSerializer})
    @action(detail=True, methods=["post"])
    def mandatory_deprecate(self, request: Request, pk: str | None = None) -> Response:
        """Deprecate an operation mandatorily: workflows using it no longer pass validation."""
        return self._deprecate(request, mandatory=True)

    @extend_schema(request=None, responses={200: ValidationResultSerializer})
    @action(detail=True, methods=["post"])
    def validate(self, request: Request, pk: str | None = None) -> Response:
        """What keeps the operation from being approved (parameters, script, kind)."""
        return Response(_validation_result(services.operation_validate(operation=self.get_object())))

    @extend_schema(request=None, responses={200: PreviewSerializer})
    @action(detail=True, methods=["post"])
    def preview_cmd(self, request: Request, pk: str | None = None) -> Response:
        """The exact script a worker would run for the operation's current parameters."""
        return Response({"preview_text": services.operation_preview_cmd(operation=self.get_object())})


@extend_schema(tags=["workflows"])
@extend_schema_view(
    list=extend_schema(summary="Workflows the caller may view (without their graphs)"),
    create=extend_schema(summary="Create a workflow"),
)
class WorkflowViewSet(_NodeViewSet):
    """Workflows: graphs of operations that can be run."""

    workflow = True
    serializer_class = WorkflowSerializer

    def get_queryset(self) -> QuerySet[Node]:
        queryset = super().get_queryset()
        if self.action == "list":
            # A list never shows the graphs: they can hold thousands of nodes each.
            queryset = queryset.defer("nodes")
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]
        return WorkflowListSerializer if self.action == "list" else WorkflowSerializer

    @extend_schema(request=None, responses={200: ValidationResultSerializer})
    @action(detail=True, methods=["post"])
    def validate(self, request: Request, pk: str | None = None) -> Response:
        """Every problem that keeps the workflow from running, as a validation tree."""
        return Response(_validation_result(services.workflow_validate(workflow=self.get_object())))

    @extend_schema(request=WorkflowRunSerializer, responses={201: RunStartedSerializer, **_FAILED})
    @action(detail=True, methods=["post"])
    def run(self, request: Request, pk: str | None = None) -> Response:
        """Start a run of the workflow as it is saved, optionally overriding its parameters for this run.

        Node parameters that refer to a workflow parameter (``reference``) take its value, overridden
        or not. An unknown parameter name or a value of the wrong type is a 400 naming it.
        """
        workflow = self.get_object()
        body = WorkflowRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        overrides = body.validated_data.get("parameters")
        run = services.workflow_run(workflow=workflow, author=request.user, parameters=overrides)
        return Response({"run_id": run.pk, "status": run.status}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: WorkflowSerializer})
    @action(detail=True, methods=["post"])
    def rearrange(self, request: Request, pk: str | None = None) -> Response:
        """Lay the nodes out by topology: x by layer, y by order within the layer."""
        return self._respond(services.workflow_rearrange(workflow=self.get_object()))

    @extend_schema(request=None, responses={200: GeneratedCodeSerializer})
    @action(detail=True, methods=["post"])
    def generate_code(self, request: Request, pk: str | None = None) -> Response:
        """Python code that recreates the workflow with the platform's Python API (the ``plynx`` package)."""
        workflow = self.get_object()
        code = workflow_code(
            title=workflow.title, description=workflow.description, docs=workflow.nodes, parameters=workflow.parameters
        )
        return Response({"code": code})

    @extend_schema(request=None, responses={200: UpgradeResultSerializer})
    @action(detail=True, methods=["post"])
    def upgrade_nodes(self, request: Request, pk: str | None = None) -> Response:
        """Replace nodes made from deprecated operations by their successors' current versions."""
        result = services.workflow_upgrade_nodes(workflow=self.get_object())
        workflow = self.get_serializer(result.workflow).data
        return Response({"workflow": workflow, "upgraded_nodes_count": result.upgraded_nodes_count})


@extend_schema(tags=["hubs"])
class HubViewSet(ServiceErrorsMixin, viewsets.ViewSet):
    """The editor's catalog of operations: the configured hubs and their groups."""

    @extend_schema(responses={200: HubSerializer(many=True)})
    def list(self, request: Request) -> Response:
        """The configured hubs, each with its operations grouped by kind."""
        return Response(HubSerializer(hub_list(user=request.user), many=True).data)


@extend_schema(tags=["hubs"])
class HubSearchViewSet(ServiceErrorsMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Finding operations for the editor's catalog."""

    serializer_class = OperationSerializer
    filter_backends = ()

    def get_queryset(self) -> QuerySet[Node]:
        return node_visible(user=self.request.user, workflow=False)

    @extend_schema(parameters=[HubSearchQuerySerializer])
    def list(self, request: Request) -> Response:
        """Approved operations by text, kind, hub and the file types of their inputs or outputs."""
        query = HubSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = hub_search(
            user=request.user,
            text=params.get("q", ""),
            kind=params.get("kind", ""),
            hub=params.get("hub", ""),
            group=params.get("group", ""),
            input_file_type=params.get("input_file_type", ""),
            output_file_type=params.get("output_file_type", ""),
        )
        page = self.paginate_queryset(found)  # a hub's own list, or a queryset
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
