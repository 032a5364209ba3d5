import { Link } from 'wouter-preact';
import { HOME } from '../routes';

export function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no such screen. <Link href={HOME}>Go to API keys</Link>
      </p>
    </>
  );
}
