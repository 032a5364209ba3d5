import type { ComponentChildren } from 'preact';

/** The frame of the screens for visitors: a centred card under the product's name. */
export function AuthFrame({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <main class="auth">
      <p class="auth-brand">Darkroom</p>
      <div class="card">
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
