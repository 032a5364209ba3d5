import { useQuery } from '@tanstack/preact-query';
import { Link, useSearch } from 'wouter-preact';
import { publicApi } from '../../api/client';
import { AuthFrame } from '../../components/AuthFrame';
import { ErrorMessage } from '../../components/ErrorMessage';

/** The page the verification mail links to: /console/verify?token=... */
export function Verify() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const verification = useQuery({
    queryKey: ['verify-email', token],
    queryFn: () => publicApi('/api/v1/auth/verify-email', { method: 'POST', body: { token } }),
    enabled: token !== '',
    retry: false,
    staleTime: Infinity,
  });
  if (!token) {
    return (
      <AuthFrame title="Verify your email">
        <p>This link has no verification token: open the link from the mail as it is.</p>
      </AuthFrame>
    );
  }
  if (verification.isPending) {
    return (
      <AuthFrame title="Verifying your email">
        <p role="status">Verifying…</p>
      </AuthFrame>
    );
  }
  if (verification.error) {
    return (
      <AuthFrame title="Email not verified">
        <ErrorMessage error={verification.error} />
        <p>
          The link may have expired or been used already. <Link href="/login">Sign in</Link> to ask for a new one.
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Email verified">
      <p role="status">Your email address is verified.</p>
      <p>
        <Link href="/login">Sign in</Link>
      </p>
    </AuthFrame>
  );
}
