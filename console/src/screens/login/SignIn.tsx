import { useState } from 'preact/hooks';
import { Link, Redirect, useLocation } from 'wouter-preact';
import { signIn, session } from '../../api/session';
import { AuthFrame } from '../../components/AuthFrame';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { useStore } from '../../lib/store';
import { HOME } from '../../routes';

export function SignIn() {
  const state = useStore(session);
  const [, navigate] = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (state.status === 'signed-in' && !pending) return <Redirect to={HOME} replace />;

  const submit = async (e: Event) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      await signIn(email, password);
      navigate(HOME, { replace: true });
    } catch (err) {
      setError(err);
      setPending(false);
    }
  };
  return (
    <AuthFrame title="Sign in">
      <form onSubmit={submit}>
        <Field label="Email" name="email" type="email" autoComplete="username" required value={email} onValue={setEmail} error={error} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required value={password} onValue={setPassword} error={error} />
        <ErrorMessage error={error} />
        <button type="submit" class="primary" disabled={pending} aria-busy={pending}>Sign in</button>
      </form>
      <p>
        New here? <Link href="/signup">Create an account</Link>
      </p>
    </AuthFrame>
  );
}
