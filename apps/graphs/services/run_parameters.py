"""Workflow parameters: the values node parameters take by ``reference``, and a run's overrides of them.

A workflow's own ``parameters`` list holds its parameters. A node parameter whose ``reference``
names one of them takes that parameter's value when a run is created: the value is written into
the run's frozen node document, so the node's cache key and its script see the real value. A run
may override workflow parameters for itself only (``run_create(parameters=...)``); the run's
header records the values it ran with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from apps.graphs import engine
from apps.nodes.documents import PARAMETERS, Parameter, SubNode, parse_list
from apps.nodes.parameters import ParameterType, ParameterValueError, validate_value


def workflow_parameters_parse(value: Any) -> list[Parameter]:
    """A workflow's stored ``parameters`` list, parsed (``ValidationError`` naming the field if broken)."""
    return parse_list(PARAMETERS, value or [], "parameters")


def _override_value(parameter: Parameter, value: Any) -> Any:
    """``value`` for ``parameter`` in canonical form; shorthands keep what the value alone cannot say.

    An enum takes the chosen value's name (the list of values stays the workflow's) and code takes
    its text (the mode stays the workflow's).
    """
    if parameter.parameter_type is ParameterType.ENUM and isinstance(value, str):
        values = parameter.value["values"]
        if value not in values:
            raise ParameterValueError(f"expected one of {', '.join(map(repr, values)) or 'no values'}, got {value!r}")
        value = {"values": values, "index": values.index(value)}
    elif parameter.parameter_type is ParameterType.CODE and isinstance(value, str):
        value = {"value": value, "mode": parameter.value["mode"]}
    return validate_value(parameter.parameter_type, value)


def workflow_parameters_override(*, parameters: Sequence[Parameter], overrides: Mapping[str, Any]) -> list[Parameter]:
    """``parameters`` with the values of ``overrides`` (name → value) put in.

    Raises ``ValidationError`` on ``parameters`` naming every unknown name and every value that
    does not fit its parameter's type; nothing is applied then.
    """
    by_name = {parameter.name: parameter for parameter in parameters}
    problems: list[str] = []
    unknown = sorted(set(overrides) - by_name.keys())
    if unknown:
        known = ", ".join(sorted(by_name)) or "none"
        names = ", ".join(map(repr, unknown))
        problems.append(f"unknown workflow parameter(s) {names}; the workflow's parameters are: {known}")
    values: dict[str, Any] = {}
    for name, value in overrides.items():
        parameter = by_name.get(name)
        if parameter is None:
            continue
        try:
            values[name] = _override_value(parameter, value)
        except ParameterValueError as error:
            problems.append(f"{name!r} ({parameter.parameter_type.value}): {error}")
    if problems:
        raise ValidationError({"parameters": problems})
    return [
        parameter.model_copy(update={"value": values[parameter.name]}) if parameter.name in values else parameter
        for parameter in parameters
    ]


def _reference_problem(doc: SubNode, parameter: Parameter, found: Parameter | None) -> engine.ValidationError | None:
    where = f"parameter {parameter.name!r} of {doc.title!r}"
    if found is None:
        return engine.ValidationError(
            engine.ValidationTarget.PARAMETER,
            parameter.name,
            engine.ValidationCode.MISSING_PARAMETER,
            message=f"{where} refers to the workflow parameter {parameter.reference!r}, which does not exist",
        )
    if found.parameter_type != parameter.parameter_type:
        return engine.ValidationError(
            engine.ValidationTarget.PARAMETER,
            parameter.name,
            engine.ValidationCode.TYPE_MISMATCH,
            message=(
                f"{where} is of type {parameter.parameter_type.value} but refers to the workflow parameter "
                f"{found.name!r} of type {found.parameter_type.value}"
            ),
        )
    return None


def parameter_reference_problems(*, doc: SubNode, parameters: Mapping[str, Parameter]) -> list[engine.ValidationError]:
    """The parameters of ``doc`` whose ``reference`` names no workflow parameter, or one of another type."""
    problems = []
    for parameter in doc.parameters:
        if parameter.reference is not None:
            problem = _reference_problem(doc, parameter, parameters.get(parameter.reference))
            if problem is not None:
                problems.append(problem)
    return problems


def parameter_reference_messages(*, docs: Iterable[SubNode], parameters: Sequence[Parameter]) -> list[str]:
    """Every broken reference of ``docs`` as a message naming the node and the parameter."""
    by_name = {parameter.name: parameter for parameter in parameters}
    return [
        f"node {doc.title!r} ({doc.id}): {problem.message}"
        for doc in docs
        for problem in parameter_reference_problems(doc=doc, parameters=by_name)
    ]


def workflow_parameters_apply(*, docs: Sequence[SubNode], parameters: Sequence[Parameter]) -> list[SubNode]:
    """``docs`` with each referencing parameter holding its workflow parameter's value.

    A reference that is broken (no such name, another type) is left as it is: validation reports
    it. Nodes without references are returned as they are, not copied.
    """
    by_name = {parameter.name: parameter for parameter in parameters}
    applied = []
    for doc in docs:
        if not any(p.reference for p in doc.parameters):
            applied.append(doc)
            continue
        resolved = []
        for parameter in doc.parameters:
            found = by_name.get(parameter.reference) if parameter.reference else None
            if found is not None and found.parameter_type == parameter.parameter_type:
                parameter = parameter.model_copy(update={"value": found.value})
            resolved.append(parameter)
        applied.append(doc.model_copy(update={"parameters": resolved}))
    return applied
