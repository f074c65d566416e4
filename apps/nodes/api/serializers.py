"""Serializers of operations, workflows, their actions and the hubs (v1 API).

Documents (inputs, outputs, parameters, logs, sub-nodes) pass through as JSON here; the services
validate them (``apps.nodes.node_services.node_documents_parse``), so an error names the node
and the field the same way in both API faces.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.nodes.models import Node
from apps.users.permissions import can_modify

# The range of the model's x and y columns (PostgreSQL integer).
_INT32 = 2**31 - 1


class StrictFieldsMixin(serializers.Serializer):  # type: ignore[type-arg]
    """Refuses fields the serializer does not know, instead of ignoring them silently.

    Read-only fields are known: a client may send back what it read.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["unknown field"] for name in unknown})
        return super().to_internal_value(data)


class DocumentField(serializers.JSONField):
    """A JSON document passed to the services as parsed; they validate it.

    DRF's JSONField serializes every value once more to prove it is JSON; a document that came
    from a JSON body is, and a large workflow would pay for the proof on every save.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str | bytes):
            return super().to_internal_value(data)  # type: ignore[arg-type]  # the stubs omit text
        return data


def _document_field(description: str, item: dict[str, Any]) -> DocumentField:
    # A class of its own per document: the schema annotation is set on the class it decorates.
    field_class = type("DocumentField", (DocumentField,), {})
    extend_schema_field({"type": "array", "items": item, "description": description})(field_class)
    return cast(DocumentField, field_class(required=False, help_text=description))


_NAMED = {"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": True}
_INPUT = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "file_types": {"type": "array", "items": {"type": "string"}},
        "values": {"type": "array", "items": {"type": "object"}},
        "min_count": {"type": "integer"},
        "max_count": {"type": "integer"},
    },
    "required": ["name", "file_types"],
}
_OUTPUT = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "file_type": {"type": "string"},
        "resource_id": {"type": "string", "nullable": True},
    },
    "required": ["name", "file_type"],
}
_PARAMETER = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "parameter_type": {"type": "string"},
        "value": {},
        "mutable_type": {"type": "boolean"},
        "removable": {"type": "boolean"},
        "publicable": {"type": "boolean"},
        "widget": {"type": "object", "nullable": True},
        "reference": {"type": "string", "nullable": True},
    },
    "required": ["name", "parameter_type"],
}
_SUB_NODE = {
    "type": "object",
    "properties": {
        "_id": {"type": "string"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "kind": {"type": "string"},
        "original_node_id": {"type": "string", "nullable": True},
        "inputs": {"type": "array", "items": _INPUT},
        "outputs": {"type": "array", "items": _OUTPUT},
        "parameters": {"type": "array", "items": _PARAMETER},
        "logs": {"type": "array", "items": _OUTPUT},
        "x": {"type": "integer"},
        "y": {"type": "integer"},
        "nodes": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["_id", "kind"],
}


class NodeSerializer(StrictFieldsMixin, serializers.ModelSerializer):  # type: ignore[type-arg]
    """An operation or a workflow, with ``readonly`` when the caller may view but not change it."""

    author_name = serializers.CharField(source="author.username", read_only=True)
    readonly = serializers.SerializerMethodField()
    kind = serializers.CharField(max_length=64, required=False)
    title = serializers.CharField(max_length=255, required=False)
    description = serializers.CharField(allow_blank=True, required=False)
    x = serializers.IntegerField(min_value=-_INT32, max_value=_INT32, required=False)
    y = serializers.IntegerField(min_value=-_INT32, max_value=_INT32, required=False)
    inputs = _document_field("Inputs: name, file_types, values (links, resources or values), counts.", _INPUT)
    outputs = _document_field("Outputs: name, file_type, resource_id.", _OUTPUT)
    parameters = _document_field("Parameters: name, parameter_type, value and UI flags.", _PARAMETER)
    logs = _document_field("Logs: name, file_type, resource_id.", _OUTPUT)
    nodes = _document_field("Sub-nodes (a workflow's or composite operation's graph).", _SUB_NODE)

    class Meta:
        model = Node
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "node_status",
            "author",
            "author_name",
            "parent_node",
            "successor_node",
            "original_node",
            "starred",
            "inputs",
            "outputs",
            "parameters",
            "logs",
            "nodes",
            "x",
            "y",
            "readonly",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "node_status",
            "author",
            "parent_node",
            "successor_node",
            "original_node",
            "starred",
            "created_at",
            "updated_at",
        ]

    def get_readonly(self, node: Node) -> bool:
        if node._state.adding:
            return True  # a hub's operation defined in code, never stored: nobody changes it here
        request = self.context.get("request")
        user = getattr(request, "user", None)
        workflow = node.kind in settings.PLYNX_PLUGINS.workflow_kinds
        return not can_modify(user, author_id=node.author_id, workflow=workflow)


class OperationSerializer(NodeSerializer):
    pass


class WorkflowSerializer(NodeSerializer):
    pass


class WorkflowListSerializer(WorkflowSerializer):
    """A workflow in a list: everything but its graph (which can hold thousands of nodes)."""

    class Meta(WorkflowSerializer.Meta):
        fields = [name for name in WorkflowSerializer.Meta.fields if name != "nodes"]


class DeprecateSerializer(StrictFieldsMixin, serializers.Serializer):  # type: ignore[type-arg]
    successor = serializers.RegexField(
        r"^[0-9a-f]{24}\Z", required=False, allow_null=True, help_text="The operation that replaces this one."
    )


class GeneratedCodeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(help_text="Python code that recreates the workflow with the plynx package.")


class ValidationResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    valid = serializers.BooleanField()
    validation_error = serializers.JSONField(
        allow_null=True, help_text="The validation tree: target, object_id, validation_code, message, children."
    )


class NodeValidationFailedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField()
    validation_error = serializers.JSONField()


class PreviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    preview_text = serializers.CharField(help_text="The script a worker would run (placeholder paths).")


class WorkflowRunSerializer(StrictFieldsMixin, serializers.Serializer):  # type: ignore[type-arg]
    """What a run of a workflow may change for itself: the workflow's parameters (an empty body is fine)."""

    parameters = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text=(
            "Workflow parameter name → value, for this run only; each value must fit its parameter's type. "
            "An enum may be given as the name of one of its values, code as its text."
        ),
    )


class RunStartedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    run_id = serializers.CharField()
    status = serializers.CharField()


class UpgradeResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    workflow = WorkflowSerializer()
    upgraded_nodes_count = serializers.IntegerField()


class HubGroupSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField(help_text="What hubs/search takes as group to list this group's operations.")
    kind = serializers.CharField(help_text="The kind of the group's operations.")
    title = serializers.CharField()
    icon = serializers.CharField()
    color = serializers.CharField()
    count = serializers.IntegerField(help_text="Approved (or merely deprecated) operations in the group.")


class HubSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField()
    title = serializers.CharField()
    icon = serializers.CharField()
    groups = HubGroupSerializer(many=True)


class HubSearchQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    q = serializers.CharField(required=False, allow_blank=True, help_text="Free text and key:value tokens.")
    kind = serializers.CharField(required=False, allow_blank=True)
    hub = serializers.CharField(required=False, allow_blank=True)
    group = serializers.CharField(required=False, allow_blank=True, help_text="A group of the hub (its key).")
    input_file_type = serializers.CharField(required=False, allow_blank=True)
    output_file_type = serializers.CharField(required=False, allow_blank=True)

    def validate_kind(self, value: str) -> str:
        kinds = settings.PLYNX_PLUGINS.operation_kinds
        if value and value not in kinds:
            raise serializers.ValidationError(f"unknown operation kind {value!r}; use one of {', '.join(kinds)}")
        return value

    def _file_type(self, value: str) -> str:
        kinds = settings.PLYNX_PLUGINS.resource_kinds
        if value and value not in kinds:
            raise serializers.ValidationError(f"unknown file type {value!r}; use one of {', '.join(kinds)}")
        return value

    def validate_input_file_type(self, value: str) -> str:
        return self._file_type(value)

    def validate_output_file_type(self, value: str) -> str:
        return self._file_type(value)
