"""Runs, the nodes of a run and workers in the v1 API: thin views over services and selectors.

Who sees what (``apps.users.permissions``): a run is seen like a workflow of its author; one not
seen is not found (404). Starting needs ``can_run`` on the workflow; cancel and re-run need
``can_control_run``; clone needs ``can_create`` for workflows. Otherwise a seen run is read-only (403).

Canceling a run that has already ended is not an error: 200 with the run as it is. Re-running a
run that has not failed, or acting on a composite's child run where only the outer run applies,
is a conflict (409) with a message.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db.models import QuerySet
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from apps.graphs.api.filters import RunFilter
from apps.graphs.api.serializers import (
    LogChunkSerializer,
    LogQuerySerializer,
    NodeRunAttemptSerializer,
    NodeRunDetailSerializer,
    NodeRunSerializer,
    NodeRunWithDocumentSerializer,
    RunCreateSerializer,
    RunDetailSerializer,
    RunSerializer,
    ValidationFailedSerializer,
    WorkerStateSerializer,
    WorkflowCreatedSerializer,
)
from apps.graphs.models import NodeRun, Run
from apps.graphs.selectors import (
    LOG_NAMES,
    node_run_attempt_list,
    node_run_get,
    node_run_list,
    node_run_log_get,
    node_run_state_get,
    run_list_visible,
    run_node_counts,
    worker_state_list,
    workflow_get,
)
from apps.graphs.services import (
    RunActionRefused,
    RunValidationFailed,
    run_cancel,
    run_clone,
    run_create,
    run_rerun_failed,
)
from apps.nodes.models import WorkerState
from apps.users.models import User
from apps.users.permissions import can_control_run, can_create, can_run, can_view

OBJECT_ID_REGEX = "[0-9a-f]{24}"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The action does not apply to the run in its present state."
    default_code = "conflict"


def _user(request: Request) -> User:
    # Every view here requires an authenticated user (the default permission class).
    assert isinstance(request.user, User)
    return request.user


def _refuse(message: str) -> NoReturn:
    raise PermissionDenied(message)


def _validation_failed(failure: RunValidationFailed) -> Response:
    return Response(
        {"detail": f"the workflow cannot run: {failure}", "validation_error": failure.error.to_dict()},
        status=status.HTTP_400_BAD_REQUEST,
    )


class RunPagination(LimitOffsetPagination):
    default_limit = 20
    # Enough for any screen; bounds the work of one request.
    max_limit = 200


class NodeRunPagination(LimitOffsetPagination):
    # A whole run's nodes in one page for the editor; the largest runs page through.
    default_limit = 1000
    max_limit = 5000


@extend_schema_view(
    list=extend_schema(summary="List the runs the caller may see"),
    retrieve=extend_schema(summary="A run: its frozen header, status, timings and node counts"),
)
class RunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Run]
):
    """Runs of workflows: list, look at, start, cancel, re-run from failure, clone."""

    lookup_value_regex = OBJECT_ID_REGEX
    pagination_class = RunPagination
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = RunFilter
    search_fields = ["title"]
    ordering_fields = ["created_at", "started_at"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[Run]:
        if getattr(self, "swagger_fake_view", False):
            return Run.objects.none()
        return run_list_visible(user=self.request.user)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Filters and ordering shape the list; one run is found by its id alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        # The browsable API builds its POST form from the list view with the request's method set to POST.
        if self.action == "create" or (self.action == "list" and self.request.method == "POST"):
            return RunCreateSerializer
        return RunSerializer if self.action == "list" else RunDetailSerializer

    def _detail(self, run: Run, *, status_code: int = status.HTTP_200_OK, reload: bool = True) -> Response:
        """The run as ``retrieve`` shows it; one a service returned is read again with what the list adds."""
        shown = self.get_queryset().get(pk=run.pk) if reload else run
        shown.node_counts = run_node_counts(run=shown)  # type: ignore[attr-defined]
        return Response(RunDetailSerializer(shown, context=self.get_serializer_context()).data, status=status_code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object(), reload=False)

    @extend_schema(
        summary="Start a run of a workflow",
        request=RunCreateSerializer,
        responses={201: RunDetailSerializer, 400: ValidationFailedSerializer, 403: OpenApiResponse()},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workflow = workflow_get(workflow_id=data.validated_data["workflow"])
        if workflow is None or not can_view(request.user, author_id=workflow.author_id, workflow=True):
            return Response({"workflow": ["No workflow with this id."]}, status=status.HTTP_400_BAD_REQUEST)
        if not can_run(request.user, author_id=workflow.author_id):
            _refuse("You may not run this workflow.")
        try:
            run = run_create(workflow=workflow, author=_user(request))
        except RunValidationFailed as failure:
            return _validation_failed(failure)
        return self._detail(run, status_code=status.HTTP_201_CREATED)

    def _controlled_run(self) -> Run:
        run: Run = self.get_object()
        if not can_control_run(self.request.user, author_id=run.author_id):
            _refuse("You may not cancel or re-run this run.")
        return run

    @extend_schema(
        summary="Cancel a run",
        description=(
            "Waiting and queued nodes are canceled at once; running ones as soon as their worker stops "
            "them (poll the run until it is CANCELED). A run that has already ended is returned "
            "unchanged (200)."
        ),
        request=None,
        responses={200: RunDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._detail(run_cancel(run=self._controlled_run()))

    @extend_schema(
        summary="Re-run from failure",
        description=(
            "A new run of the same frozen graph: the nodes that succeeded are answered by the cache, "
            "failed and canceled ones run again. Only a failed or canceled top-level run (else 409)."
        ),
        request=None,
        responses={201: RunDetailSerializer, 400: ValidationFailedSerializer, 409: OpenApiResponse()},
    )
    @action(detail=True, methods=["post"])
    def rerun_failed(self, request: Request, pk: str | None = None) -> Response:
        run = self._controlled_run()
        try:
            new_run = run_rerun_failed(run=run, author=_user(request))
        except RunActionRefused as refused:
            raise Conflict(str(refused)) from None
        except RunValidationFailed as failure:
            return _validation_failed(failure)
        return self._detail(new_run, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Clone the run's graph into a new workflow owned by the caller",
        request=None,
        responses={201: WorkflowCreatedSerializer, 409: OpenApiResponse()},
    )
    @action(detail=True, methods=["post"])
    def clone(self, request: Request, pk: str | None = None) -> Response:
        run = self.get_object()
        if not can_create(request.user, workflow=True):
            _refuse("You may not create workflows.")
        try:
            workflow = run_clone(run=run, author=_user(request))
        except RunActionRefused as refused:
            raise Conflict(str(refused)) from None
        return Response({"workflow": workflow.pk}, status=status.HTTP_201_CREATED)


_RUN_ID = OpenApiParameter("run_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The run's id.")
_NODE_ID = OpenApiParameter("node_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The node's id.")


@extend_schema(parameters=[_RUN_ID])
@extend_schema_view(
    list=extend_schema(
        summary="The nodes of a run, with their state, outputs and logs",
        parameters=[
            OpenApiParameter(
                "documents",
                OpenApiTypes.BOOL,
                description="Also give each node's frozen document as `spec` (the object a node's detail "
                "has): the whole graph the run ran, with workflow parameters resolved, in one request.",
            )
        ],
    ),
    retrieve=extend_schema(summary="A node of a run with its frozen document", parameters=[_NODE_ID]),
)
class NodeRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[NodeRun]):
    """The nodes of one run, their attempts and their logs (seen by whoever may see the run)."""

    lookup_field = "node_id"
    lookup_value_regex = OBJECT_ID_REGEX
    pagination_class = NodeRunPagination
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["status"]
    serializer_class = NodeRunSerializer

    def _run(self) -> Run:
        run: Run | None = getattr(self, "_cached_run", None)
        if run is None:
            run = run_list_visible(user=self.request.user).filter(pk=self.kwargs["run_id"]).first()
            if run is None:
                raise Http404("No run with this id.")
            self._cached_run = run
        return run

    def _with_documents(self) -> bool:
        if self.action != "list":
            return False
        value = self.request.query_params.get("documents", "false").lower()
        if value not in ("true", "false", "1", "0"):
            raise ValidationError({"documents": ["Must be true or false."]})
        return value in ("true", "1")

    def get_queryset(self) -> QuerySet[NodeRun]:
        if getattr(self, "swagger_fake_view", False):
            return NodeRun.objects.none()
        return node_run_list(run=self._run(), documents=self._with_documents())

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self) -> NodeRun:
        try:
            if self.action in ("logs", "attempts"):
                return node_run_state_get(run=self._run(), node_id=self.kwargs["node_id"])
            return node_run_get(run=self._run(), node_id=self.kwargs["node_id"])
        except NodeRun.DoesNotExist:
            raise Http404("No node with this id in the run.") from None

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return NodeRunDetailSerializer
        return NodeRunWithDocumentSerializer if self._with_documents() else NodeRunSerializer

    @extend_schema(
        summary="The attempts of a node (one per dispatch to a worker)",
        parameters=[_NODE_ID],
        responses={200: NodeRunAttemptSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def attempts(self, request: Request, run_id: str, node_id: str) -> Response:
        attempts = node_run_attempt_list(node_run=self.get_object())
        return Response(NodeRunAttemptSerializer(attempts, many=True).data)

    @extend_schema(
        summary="Read a node's log; poll with the returned offset to follow a running node",
        parameters=[
            _NODE_ID,
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(LOG_NAMES)),
            LogQuerySerializer,
        ],
        responses={200: LogChunkSerializer},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="logs/(?P<name>[a-z]+)",
        url_name="logs",
        pagination_class=None,
        filter_backends=[],
    )
    def logs(self, request: Request, run_id: str, node_id: str, name: str) -> Response:
        if name not in LOG_NAMES:
            raise Http404(f"No log named {name!r}; the logs are {', '.join(LOG_NAMES)}.")
        query = LogQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        chunk = node_run_log_get(
            node_run=self.get_object(),
            name=name,
            offset=query.validated_data["offset"],
            limit=query.validated_data["limit"],
            tail=query.validated_data.get("tail"),
        )
        return Response(LogChunkSerializer(chunk).data)


@extend_schema_view(
    list=extend_schema(summary="The workers and what they last reported"),
    retrieve=extend_schema(summary="One worker"),
)
class WorkerViewSet(viewsets.ReadOnlyModelViewSet[WorkerState]):
    """Celery workers: where they run, what they serve and what they run now (read-only)."""

    serializer_class = WorkerStateSerializer
    lookup_field = "worker_id"
    # Worker names hold "@" and dots (``name@host.example``).
    lookup_value_regex = "[^/]+"
    filter_backends = [OrderingFilter]
    ordering_fields = ["worker_id", "last_heartbeat"]

    def get_queryset(self) -> QuerySet[WorkerState]:
        return worker_state_list()
