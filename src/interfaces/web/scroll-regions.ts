// On a narrow screen (style.css, max-width 760px) a table wider than the screen scrolls inside
// itself. A keyboard user must be able to scroll it too: such a table becomes a focusable,
// named region (its caption names it). Checked after the page changes, once a frame at most,
// and only while the screen is narrow.
const NARROW = '(max-width: 760px)';

function mark(): void {
  for (const table of Array.from(document.querySelectorAll<HTMLTableElement>('main table'))) {
    const scrolls = table.scrollWidth > table.clientWidth + 1;
    if (scrolls && !table.hasAttribute('tabindex')) {
      table.setAttribute('tabindex', '0');
      table.dataset.scrollRegion = '';
    } else if (!scrolls && table.dataset.scrollRegion !== undefined) {
      table.removeAttribute('tabindex');
      delete table.dataset.scrollRegion;
    }
  }
}

export function watchScrollableTables(): void {
  if (typeof window === 'undefined' || typeof MutationObserver === 'undefined') return;
  const narrow = window.matchMedia(NARROW);
  let queued = false;
  const check = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      mark();
    });
  };
  // Watched only while the screen is narrow: on a laptop no table scrolls, and nothing runs.
  const observer = new MutationObserver(check);
  const follow = () => {
    observer.disconnect();
    if (narrow.matches) observer.observe(document.body, { childList: true, subtree: true });
    check();
  };
  const start = () => {
    narrow.addEventListener('change', follow);
    window.addEventListener('resize', () => { if (narrow.matches) check(); });
    follow();
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
}
