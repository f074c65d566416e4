export { ParameterField, type ParameterFieldProps } from "./ParameterField";
export { PropertiesPanel, isScriptParameter, type NodeLink, type NodeLinks, type PropertiesPanelProps } from "./PropertiesPanel";
export { WorkflowParametersPanel, newWorkflowParameter, type WorkflowParametersPanelProps } from "./WorkflowParametersPanel";
export { applyWorkflowParameters, checkParameterName, defaultValue, linkParameter, parameterLabel } from "./values";
