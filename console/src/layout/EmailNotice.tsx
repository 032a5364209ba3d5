import { useMutation } from '@tanstack/preact-query';
import { api } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';

/** Shown until the user's address is verified: the API refuses keys (and more) until then. */
export function EmailNotice({ email }: { email: string }) {
  const resend = useMutation({ mutationFn: () => api('/api/v1/auth/verify-email/resend', { method: 'POST' }) });
  return (
    <div class="notice" role="note">
      <p>
        Verify <strong>{email}</strong> to create API keys and run work: open the link we mailed you.{' '}
        {resend.isSuccess ? (
          <span role="status">A new link is on its way.</span>
        ) : (
          <button type="button" onClick={() => resend.mutate()} disabled={resend.isPending} aria-busy={resend.isPending}>Send the link again</button>
        )}
      </p>
      <ErrorMessage error={resend.error} />
    </div>
  );
}
