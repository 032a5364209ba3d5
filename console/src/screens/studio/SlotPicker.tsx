import type { Marketplace } from './marketplaces';

interface SlotPickerProps {
  marketplaces: Marketplace[];
  /** Slot ids, in the order picked. */
  selected: string[];
  onChange(selected: string[]): void;
  disabled: boolean;
}

/** One checkbox per marketplace slot (from the rule packs), grouped by marketplace. */
export function SlotPicker({ marketplaces, selected, onChange, disabled }: SlotPickerProps) {
  const toggle = (slot: string, on: boolean) => onChange(on ? [...selected, slot] : selected.filter((s) => s !== slot));
  return (
    <fieldset class="slot-picker" disabled={disabled}>
      <legend>Marketplaces</legend>
      <div class="slot-packs">
        {marketplaces.map((m) => (
          <fieldset key={m.id} class="slot-pack">
            <legend>{m.name}</legend>
            {m.slots.map((s) => (
              <label key={s.id} class="slot-option">
                <input type="checkbox" checked={selected.includes(s.id)} onChange={(e) => toggle(s.id, e.currentTarget.checked)} />
                <span>
                  {s.name} <code>{s.id}</code>
                </span>
              </label>
            ))}
          </fieldset>
        ))}
      </div>
    </fieldset>
  );
}
