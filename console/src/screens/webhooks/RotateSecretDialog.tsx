import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { SecretReveal } from '../../components/SecretReveal';
import { formatDate } from '../../lib/format';
import type { WebhookSecret } from './webhooks-api';

interface RotateSecretDialogProps {
  /** What signs with the secret, for the question: "the endpoint https://…", "the default secret". */
  subject: ComponentChildren;
  rotate(): Promise<WebhookSecret>;
  onClose(): void;
}

/** Asks, rotates a signing secret, then shows the new one once and until when the old one still signs. */
export function RotateSecretDialog({ subject, rotate, onClose }: RotateSecretDialogProps) {
  const [rotated, setRotated] = useState<WebhookSecret | null>(null);
  if (rotated) {
    return (
      <Dialog title="Signing secret rotated" onClose={onClose}>
        <SecretReveal secret={rotated.secret} />
        {rotated.previousSecretValidUntil && (
          <p class="hint">Until {formatDate(rotated.previousSecretValidUntil)} deliveries are signed with the old secret too, so you can deploy the new one at your pace.</p>
        )}
        <div class="actions">
          <button type="button" class="primary" onClick={onClose}>Done</button>
        </div>
      </Dialog>
    );
  }
  return (
    <ConfirmDialog title="Rotate signing secret" onConfirm={async () => setRotated(await rotate())} onClose={onClose} closeWhenDone={false}>
      <p>Make a new signing secret for {subject}? The previous one, if any, signs too for 24 hours, so your receiver can move to the new one at its pace.</p>
    </ConfirmDialog>
  );
}
