"""The JSON documents inside an operation or workflow: inputs, outputs, parameters, logs, sub-nodes.

Their shape is the seed's (Internal data structures). These models check structure and
parameter values; whether a graph is runnable (links point at existing outputs, types match,
required inputs are connected) is the DAG engine's validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_serializer,
    model_validator,
)

from apps.nodes.parameters import ParameterType, ParameterValueError, validate_value
from plynx_site.ids import OBJECT_ID_PATTERN

# Names are used as dictionary keys in scripts (`inputs['data.csv']`) and as file names.
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$")]
Kind = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_\-]{0,63}$")]
ObjectId = Annotated[str, StringConstraints(pattern=OBJECT_ID_PATTERN)]
Title = Annotated[str, StringConstraints(max_length=255)]
UNLIMITED = -1


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class InputValue(_Document):
    """What feeds an input: another node's output, a stored resource, or a raw value."""

    node_id: ObjectId | None = None
    output_id: Name | None = None
    resource_id: ObjectId | None = None
    value: StrictInt | StrictFloat | StrictBool | str | None = None

    @model_serializer(mode="wrap")
    def _only_the_source(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.node_id is not None:
            return {"node_id": data["node_id"], "output_id": data["output_id"]}
        if self.resource_id is not None:
            return {"resource_id": data["resource_id"]}
        return {"value": data["value"]}

    @model_validator(mode="after")
    def _one_source(self) -> InputValue:
        link = self.node_id is not None or self.output_id is not None
        if link and (self.node_id is None or self.output_id is None):
            raise ValueError("a link needs both node_id and output_id")
        sources = [link, self.resource_id is not None, "value" in self.model_fields_set]
        if sum(sources) != 1:
            raise ValueError("give exactly one of node_id+output_id, resource_id or value")
        return self


class Input(_Document):
    name: Name
    file_types: list[Kind] = Field(min_length=1)
    values: list[InputValue] = Field(default_factory=list)
    min_count: int = Field(default=1, ge=0)
    max_count: int = Field(default=1, ge=UNLIMITED)

    @model_validator(mode="after")
    def _counts(self) -> Input:
        if self.max_count != UNLIMITED and self.max_count < max(self.min_count, 1):
            raise ValueError(
                f"max_count {self.max_count} is below min_count {self.min_count} (or 1); use -1 for no limit"
            )
        return self


class Output(_Document):
    name: Name
    file_type: Kind
    resource_id: ObjectId | None = None


class Log(_Document):
    name: Name
    file_type: Kind = "file"
    resource_id: ObjectId | None = None


class Widget(_Document):
    alias: Annotated[str, StringConstraints(max_length=255)]


class Parameter(_Document):
    name: Name
    parameter_type: ParameterType
    value: Any = None
    mutable_type: bool = True
    removable: bool = True
    publicable: bool = True
    widget: Widget | None = None
    # A workflow parameter this one takes its value from.
    reference: Name | None = None

    @model_validator(mode="after")
    def _value_fits_type(self) -> Parameter:
        try:
            self.value = validate_value(self.parameter_type, self.value)
        except ParameterValueError as error:
            raise ValueError(f"parameter {self.name!r} ({self.parameter_type.value}): {error}") from None
        return self


def _unique_names(items: Sequence[Input | Output | Log | Parameter], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.name in seen:
            raise ValueError(f"two {what} are named {item.name!r}")
        seen.add(item.name)


class SubNode(_Document):
    """A node inside a workflow (or composite operation): a frozen copy of an operation, placed."""

    id: ObjectId = Field(alias="_id")
    title: Title = "Title"
    description: str = ""
    kind: Kind
    original_node_id: ObjectId | None = None
    inputs: list[Input] = Field(default_factory=list)
    outputs: list[Output] = Field(default_factory=list)
    parameters: list[Parameter] = Field(default_factory=list)
    logs: list[Log] = Field(default_factory=list)
    x: int = 0
    y: int = 0
    nodes: list[SubNode] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names(self) -> SubNode:
        _unique_names(self.inputs, "inputs")
        _unique_names(self.outputs, "outputs")
        _unique_names(self.parameters, "parameters")
        _unique_names(self.logs, "logs")
        _unique_ids(self.nodes)
        return self


def _unique_ids(nodes: Sequence[SubNode]) -> None:
    seen: set[str] = set()
    for node in nodes:
        if node.id in seen:
            raise ValueError(f"two nodes have the id {node.id}")
        seen.add(node.id)


INPUTS = TypeAdapter(list[Input])
OUTPUTS = TypeAdapter(list[Output])
LOGS = TypeAdapter(list[Log])
PARAMETERS = TypeAdapter(list[Parameter])
SUB_NODES = TypeAdapter(list[SubNode])


def describe_errors(error: ValidationError) -> str:
    """A pydantic error as one text: ``where: what`` for each problem, separated by semicolons."""
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems)


def parse_list(adapter: TypeAdapter[Any], value: Any, what: str) -> list[Any]:
    """Parse a JSON list with ``adapter``; raise Django's ``ValidationError`` naming the field."""
    try:
        items = adapter.validate_python(value)
    except ValidationError as error:
        raise DjangoValidationError(f"{what}: {describe_errors(error)}") from None
    try:
        if what == "nodes":
            _unique_ids(items)
        else:
            _unique_names(items, what)
    except ValueError as error:
        raise DjangoValidationError(f"{what}: {error}") from None
    return list(items)


def dump_list(items: Sequence[BaseModel]) -> list[dict[str, Any]]:
    """The canonical JSON form of parsed documents (aliases such as ``_id`` restored)."""
    return [item.model_dump(mode="json", by_alias=True) for item in items]


def validate_inputs(value: Any) -> None:
    parse_list(INPUTS, value, "inputs")


def validate_outputs(value: Any) -> None:
    parse_list(OUTPUTS, value, "outputs")


def validate_logs(value: Any) -> None:
    parse_list(LOGS, value, "logs")


def validate_parameters(value: Any) -> None:
    parse_list(PARAMETERS, value, "parameters")


def validate_sub_nodes(value: Any) -> None:
    parse_list(SUB_NODES, value, "nodes")
