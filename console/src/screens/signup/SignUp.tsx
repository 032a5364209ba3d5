import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { publicApi } from '../../api/client';
import { AuthFrame } from '../../components/AuthFrame';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';

export function SignUp() {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      await publicApi('/api/v1/auth/register', { method: 'POST', body: { name, email, password } });
      setSentTo(email);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  if (sentTo) {
    return (
      <AuthFrame title="Check your email">
        <p role="status">
          We sent a verification link to <strong>{sentTo}</strong>. Open it to verify your address, then sign in.
          Without SMTP configured, the server writes the mail to its log.
        </p>
        <p>
          <Link href="/login">Sign in</Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Create your account">
      <form onSubmit={submit}>
        <Field label="Name" name="name" autoComplete="name" required maxLength={200} value={name} onValue={setName} error={error} />
        <Field label="Email" name="email" type="email" autoComplete="email" required value={email} onValue={setEmail} error={error} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={10} maxLength={200} value={password} onValue={setPassword} error={error}
          hint="At least 10 characters and hard to guess." />
        <ErrorMessage error={error} />
        <button type="submit" class="primary" disabled={pending} aria-busy={pending}>Create account</button>
      </form>
      <p>
        Already have an account? <Link href="/login">Sign in</Link>
      </p>
    </AuthFrame>
  );
}
