// Client-side navigation over the History API: links change the address without reloading,
// Back and Forward work, and every state is a URL that can be shared.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { watchScrollableTables } from './scroll-regions.ts';

type Listener = () => void;
const listeners = new Set<Listener>();

function notify(): void {
  for (const l of listeners) l();
}

window.addEventListener('popstate', notify);
watchScrollableTables();

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  notify();
  if (!options.replace) window.scrollTo(0, 0);
}

export function useLocation(): { pathname: string; search: string } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return { pathname: location.pathname, search: location.search };
}

interface LinkProps {
  href: string;
  children?: ComponentChildren;
  class?: string;
  'aria-current'?: 'page';
  'aria-label'?: string;
  onClick?: (e: MouseEvent) => void;
}

/** An <a> that navigates in-app on a plain click and behaves as a normal link otherwise. */
export function Link({ href, children, onClick, ...rest }: LinkProps) {
  return (
    <a
      {...rest}
      href={href}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

/** Once `ready` (the page's data has rendered), scroll to the element the address's #fragment names. */
export function useScrollToHash(ready: boolean): void {
  const hash = typeof location === 'undefined' ? '' : location.hash;
  useEffect(() => {
    if (!ready || hash.length < 2) return;
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (target) {
      target.scrollIntoView({ block: 'start' });
      target.classList.add('targeted');
    }
  }, [ready, hash]);
}
