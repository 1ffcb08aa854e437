// The dashboard's shell: header and navigation, the page the address names, and a readable
// message (never a blank page) for a malformed address or an unexpected error.
import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useErrorBoundary, useState } from 'preact/hooks';
import { Loading, Problem } from './components/message.tsx';
import { Link, useLocation } from './navigation.tsx';
import { AllyPage } from './pages/ally.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { linkQuery } from './pages/query.ts';
import { hrefOf, parseLocation } from './routes.ts';
import type { Route } from './routes.ts';

/** A page whose code loads when first opened, so the overview does not carry it. */
function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<void> | null = null;
  return function LazyPage(props: P) {
    const [failure, setFailure] = useState<string | null>(null);
    const [, setReady] = useState(false);
    useEffect(() => {
      if (loaded) return;
      pending ??= load().then((c) => { loaded = c; });
      pending.then(() => setReady(true), (e: unknown) => {
        pending = null;
        setFailure(String(e));
      });
    }, []);
    if (failure) return <Problem title="This page could not be loaded"><p>{failure}. Reload to try again.</p></Problem>;
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <Loading what="the page" />;
  };
}

const ComparePage = lazyPage(() => import('./pages/compare.tsx').then((m) => m.ComparePage));
const WeightsPage = lazyPage(() => import('./pages/weights.tsx').then((m) => m.WeightsPage));
const SourcesPage = lazyPage(() => import('./pages/sources.tsx').then((m) => m.SourcesPage));
const MethodologyPage = lazyPage(() => import('./pages/methodology.tsx').then((m) => m.MethodologyPage));
const ScenariosPage = lazyPage(() => import('./pages/scenarios.tsx').then((m) => m.ScenariosPage));
const HistoryPage = lazyPage(() => import('./pages/history.tsx').then((m) => m.HistoryPage));
const NetworkPage = lazyPage(() => import('./pages/network.tsx').then((m) => m.NetworkPage));
const RegionsPage = lazyPage(() => import('./pages/regions.tsx').then((m) => m.RegionsPage));
const ExercisePage = lazyPage(() => import('./pages/exercise.tsx').then((m) => m.ExercisePage));

function Guard({ children }: { children: ComponentChildren }) {
  const [error, reset] = useErrorBoundary((e: unknown) => console.warn('dashboard error:', e));
  if (error) {
    return (
      <Problem title="Something went wrong on this page">
        <p>{error instanceof Error ? error.message : String(error)}</p>
        <p><button type="button" onClick={reset}>Try again</button></p>
      </Problem>
    );
  }
  return <>{children}</>;
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview': return <OverviewPage route={route} />;
    case 'ally': return <AllyPage route={route} />;
    case 'compare': return <ComparePage route={route} />;
    case 'weights': return <WeightsPage route={route} />;
    case 'sources': return <SourcesPage route={route} />;
    case 'methodology': return <MethodologyPage />;
    case 'scenarios': return <ScenariosPage route={route} />;
    case 'history': return <HistoryPage route={route} />;
    case 'network': return <NetworkPage route={route} />;
    case 'regions': return <RegionsPage route={route} />;
    case 'exercise': return <ExercisePage route={route} />;
  }
}

function Nav({ route }: { route: Route | null }) {
  const state = route && 'weights' in route ? { year: route.year, weights: route.weights } : { year: null, weights: {} };
  const current = route?.page ?? null;
  const item = (page: string, href: string, label: string) => (
    <li><Link href={href} aria-current={current === page ? 'page' : undefined}>{label}</Link></li>
  );
  return (
    <nav aria-label="Main">
      <ul>
        {item('overview', `/${linkQuery(state)}`, 'Overview')}
        {item('regions', hrefOf({ page: 'regions', year: state.year, regions: ['asia', 'europe'] }), 'Asia & Europe')}
        {item('compare', hrefOf({ page: 'compare', allies: route?.page === 'ally' ? [route.ally] : route?.page === 'compare' ? route.allies : [], year: state.year, weights: state.weights }), 'Compare')}
        {item('weights', hrefOf({ page: 'weights', year: state.year, region: 'all', weights: state.weights }), 'Weights')}
        {item('scenarios', '/scenarios', 'Scenarios')}
        {item('history', '/history', 'History')}
        {item('network', hrefOf({ page: 'network', year: route?.page === 'network' ? route.year : null }), 'Network')}
        {item('methodology', '/methodology', 'Methodology')}
        {item('sources', '/sources', 'Sources')}
        {item('exercise', '/exercise', 'Exercises')}
        <li><a href="/docs">API</a></li>
      </ul>
    </nav>
  );
}

export function App() {
  const location = useLocation();
  const parsed = parseLocation(location.pathname, location.search);
  return (
    <>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="site-header">
        <Link href="/" class="brand">Alliance Ledger</Link>
        <span class="tagline">What each U.S. ally brings and costs, with a source behind every number</span>
        <Nav route={parsed.ok ? parsed.route : null} />
      </header>
      <main id="main" tabIndex={-1}>
        <Guard>
          {parsed.ok ? (
            <Page route={parsed.route} />
          ) : (
            <Problem title="This address does not lead to a page">
              <p>{parsed.message}.</p>
              <p>Addresses look like <code>/</code>, <code>/ally/JPN?year=2023</code>, <code>/compare?allies=JPN,KOR</code> or <code>/weights?w=defense_effort:2</code>, <code>/scenarios?run=hns-japan-x4</code>, <code>/history</code> or <code>/network?year=1990</code>.</p>
            </Problem>
          )}
        </Guard>
      </main>
      <footer class="site-footer">
        Alliance Ledger · evidence from the publishers' own files, each number with its source · <Link href="/sources">sources</Link> · <a href="/docs">API</a> · <a href="/openapi.json">OpenAPI</a>
      </footer>
    </>
  );
}
