import type { InputHTMLAttributes } from 'preact';
import { useId } from 'preact/hooks';
import { asApiError } from '../api/errors';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name' | 'value' | 'onInput'>;

interface FieldProps extends InputProps {
  label: string;
  value: string;
  onValue(value: string): void;
  /** The API's field name, to show its validation messages beside the input. */
  name: string;
  error?: unknown;
  hint?: string;
}

/** A labelled input with the API's messages for its field beside it. */
export function Field({ label, value, onValue, name, error, hint, ...input }: FieldProps) {
  const id = useId();
  const message = error ? asApiError(error).fieldMessage(name) : undefined;
  const describedBy = [hint && `${id}-hint`, message && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input {...input} id={id} name={name} value={value} onInput={(e) => onValue(e.currentTarget.value)} aria-invalid={message ? true : undefined} aria-describedby={describedBy} />
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      {message && <small id={`${id}-error`} class="field-error">{message}</small>}
    </div>
  );
}
