import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

interface DialogProps {
  title: string;
  onClose(): void;
  children: ComponentChildren;
}

/**
 * A modal dialog named by its title: the browser's <dialog> keeps focus inside it, closes it on
 * Escape and makes the rest of the page inert. Rendered while open; unmounting closes it.
 */
export function Dialog({ title, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const unmounted = useRef(false);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current!;
    dialog.showModal();
    return () => {
      // Its close event comes later: it must not close whatever replaced this dialog.
      unmounted.current = true;
      dialog.close();
    };
  }, []);
  const closed = () => {
    if (!unmounted.current) onClose();
  };
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={closed}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
