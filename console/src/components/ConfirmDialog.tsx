import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Dialog } from './Dialog';
import { ErrorMessage } from './ErrorMessage';

interface ConfirmDialogProps {
  title: string;
  children: ComponentChildren;
  /** Runs on Confirm; the dialog shows its error, or closes when it resolves. */
  onConfirm(): Promise<unknown>;
  onClose(): void;
  /** false: the caller replaces the dialog itself once onConfirm resolves (to show a result). */
  closeWhenDone?: boolean;
}

/** Asks before a destructive action (revoke, rotate, ...). */
export function ConfirmDialog({ title, children, onConfirm, onClose, closeWhenDone = true }: ConfirmDialogProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      if (closeWhenDone) onClose();
    } catch (err) {
      setError(err);
      setPending(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose}>
      {children}
      <ErrorMessage error={error} />
      <div class="actions">
        <button type="button" class="danger" onClick={confirm} disabled={pending} aria-busy={pending}>
          {pending ? 'Working…' : 'Confirm'}
        </button>
        <button type="button" onClick={onClose}>Cancel</button>
      </div>
    </Dialog>
  );
}
