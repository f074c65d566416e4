import { POLICIES, type Policy } from "../api/settings";

/** The IAM policies as checkboxes, in a fieldset named by `legend`. */
export function PolicyCheckboxes({
  legend,
  value,
  onChange,
  errors,
  disabled = false,
}: {
  legend: string;
  value: readonly Policy[];
  onChange: (value: Policy[]) => void;
  errors?: string[];
  disabled?: boolean;
}) {
  function toggle(policy: Policy, on: boolean) {
    // Kept in the canonical order, so what is sent does not depend on the order of the clicks.
    onChange(POLICIES.map((item) => item.value).filter((item) => (item === policy ? on : value.includes(item))));
  }
  return (
    <fieldset className="policies" disabled={disabled}>
      <legend>{legend}</legend>
      <div className="policies-grid">
        {POLICIES.map((policy) => (
          <label key={policy.value} title={policy.value}>
            <input
              type="checkbox"
              checked={value.includes(policy.value)}
              onChange={(event) => toggle(policy.value, event.target.checked)}
            />
            {policy.label}
          </label>
        ))}
      </div>
      {errors && errors.length > 0 && <span className="field-error">{errors.join(" ")}</span>}
    </fieldset>
  );
}
