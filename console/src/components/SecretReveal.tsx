import { useId, useRef, useState } from 'preact/hooks';

/**
 * A secret the API shows once (a new key's), with Copy. The clipboard API needs a secure context
 * (https or localhost); elsewhere the text is selected for the user to copy.
 */
export function SecretReveal({ secret }: { secret: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setStatus('Copied to the clipboard.');
    } catch {
      input.current?.select();
      setStatus('Copying is blocked here: the secret is selected, copy it with your keyboard.');
    }
  };
  return (
    <div class="secret">
      <label for={id}>Secret</label>
      <div class="secret-row">
        <input ref={input} id={id} type="text" readOnly value={secret} spellcheck={false} autoComplete="off" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={copy}>Copy</button>
      </div>
      <p class="warning">This secret is shown once: store it now. Darkroom cannot show it again.</p>
      <p role="status" class="hint">{status}</p>
    </div>
  );
}
