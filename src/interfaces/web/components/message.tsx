// What the dashboard shows instead of a blank page: loading, a problem in words (with what
// to do), or a page that does not exist.
import type { ComponentChildren } from 'preact';
import { Link } from '../navigation.tsx';

export function Loading({ what }: { what: string }) {
  return <p class="loading" role="status">Loading {what}…</p>;
}

export function Problem({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="problem" role="alert">
      <h2>{title}</h2>
      {children}
      <p><Link href="/">Back to the overview</Link></p>
    </div>
  );
}
