import { useId } from 'preact/hooks';
import type { TesterField } from './fields';

interface FieldInputProps {
  field: TesterField;
  value: string;
  files: File[];
  onValue(value: string): void;
  onFiles(files: File[]): void;
  /** The API's message for this field (validation_failed), or the form's own. */
  message?: string;
}

const KIND_HINT: Partial<Record<TesterField['kind'], string>> = {
  list: 'Comma-separated.',
  json: 'JSON.',
};

/**
 * One input for a parameter or body property, labelled with its name as the API spells it. Nothing
 * is enforced in the browser: a request the API refuses is worth seeing too.
 */
export function FieldInput({ field, value, files, onValue, onFiles, message }: FieldInputProps) {
  const id = useId();
  const hint = [KIND_HINT[field.kind], field.description].filter(Boolean).join(' ');
  const describedBy = [hint && `${id}-hint`, message && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-describedby': describedBy, 'aria-required': field.required || undefined, 'aria-invalid': message ? true : undefined };
  const onInput = (e: Event) => onValue((e.currentTarget as HTMLInputElement).value);

  let control;
  switch (field.kind) {
    case 'file':
    case 'files':
      control = <input {...common} type="file" multiple={field.kind === 'files'} onChange={(e) => onFiles([...(e.currentTarget.files ?? [])])} />;
      break;
    case 'enum':
    case 'boolean':
      control = (
        <select {...common} value={value} onChange={onInput}>
          <option value="">(not sent)</option>
          {(field.kind === 'boolean' ? ['true', 'false'] : field.options!).map((o) => (
            <option key={o} value={o}>{o}</option>
          ))}
        </select>
      );
      break;
    case 'number':
      control = <input {...common} type="number" step="any" min={field.min} max={field.max} placeholder={field.placeholder} value={value} onInput={onInput} />;
      break;
    case 'textarea':
    case 'json':
      control = <textarea {...common} rows={field.kind === 'json' ? 3 : 4} spellcheck={field.kind !== 'json'} placeholder={field.placeholder} value={value} onInput={onInput} />;
      break;
    default:
      control = <input {...common} type="text" placeholder={field.placeholder} value={value} onInput={onInput} />;
  }

  return (
    <div class="field">
      <label for={id}>
        <code>{field.name}</code>
        {field.required && <span class="required"> (required)</span>}
        {field.in !== 'body' && <span class="field-in"> {field.in}</span>}
      </label>
      {control}
      {field.kind === 'files' && files.length > 0 && <small>{files.map((f) => f.name).join(', ')}</small>}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      {message && <small id={`${id}-error`} class="field-error">{message}</small>}
    </div>
  );
}
