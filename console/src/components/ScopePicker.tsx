import { useId } from 'preact/hooks';
import { asApiError } from '../api/errors';

interface ScopePickerProps {
  /** The scopes offered, in the order shown. */
  scopes: string[];
  selected: string[];
  onChange(selected: string[]): void;
  error?: unknown;
  legend?: string;
}

/** One checkbox per scope, labelled with the scope itself. */
export function ScopePicker({ scopes, selected, onChange, error, legend = 'Scopes' }: ScopePickerProps) {
  const id = useId();
  const message = error ? asApiError(error).fieldMessage('scopes') : undefined;
  const toggle = (scope: string, on: boolean) => onChange(on ? scopes.filter((s) => s === scope || selected.includes(s)) : selected.filter((s) => s !== scope));
  return (
    <fieldset class="scopes" aria-describedby={message ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      <div class="scope-grid">
        {scopes.map((scope) => (
          <label key={scope} class="checkbox">
            <input type="checkbox" checked={selected.includes(scope)} onChange={(e) => toggle(scope, e.currentTarget.checked)} />
            {scope}
          </label>
        ))}
      </div>
      {message && <small id={`${id}-error`} class="field-error">{message}</small>}
    </fieldset>
  );
}
