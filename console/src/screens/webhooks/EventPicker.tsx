import { useId } from 'preact/hooks';
import { asApiError } from '../../api/errors';

interface EventPickerProps {
  /** The event types offered, in the order shown. */
  events: string[];
  selected: string[];
  onChange(selected: string[]): void;
  error?: unknown;
}

/** One checkbox per event type, labelled with the type itself (as the API names it). */
export function EventPicker({ events, selected, onChange, error }: EventPickerProps) {
  const id = useId();
  const message = error ? asApiError(error).fieldMessage('events') : undefined;
  const toggle = (event: string, on: boolean) => onChange(on ? events.filter((e) => e === event || selected.includes(e)) : selected.filter((e) => e !== event));
  return (
    <fieldset class="wh-events" aria-describedby={message ? `${id}-error` : undefined}>
      <legend>Events</legend>
      <div class="wh-event-grid">
        {events.map((event) => (
          <label key={event} class="checkbox">
            <input type="checkbox" checked={selected.includes(event)} onChange={(e) => toggle(event, e.currentTarget.checked)} />
            {event}
          </label>
        ))}
      </div>
      {message && <small id={`${id}-error`} class="field-error">{message}</small>}
    </fieldset>
  );
}
