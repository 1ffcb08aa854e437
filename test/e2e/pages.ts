// Every page of the dashboard, for the specs that check them all (responsive, accessibility):
// an address and what shows once its content has rendered.
export interface DashboardPage {
  name: string;
  url: string;
  /** A selector that is visible once the page's data have rendered. */
  ready: string;
}

export const DASHBOARD_PAGES: readonly DashboardPage[] = [
  { name: 'overview', url: '/', ready: 'table.ranking tbody tr' },
  { name: 'ally', url: '/ally/JPN', ready: 'table.t-side.assets tbody tr' },
  { name: 'compare', url: '/compare?allies=JPN,KOR,POL', ready: 'table.comparison tbody tr' },
  { name: 'regions', url: '/regions', ready: 'main h1' },
  { name: 'weights', url: '/weights', ready: 'table.ranking tbody tr' },
  { name: 'scenarios', url: '/scenarios?run=hns-japan-x4', ready: '.scenario-result' },
  { name: 'history', url: '/history', ready: 'table.base-rates tbody tr' },
  { name: 'network', url: '/network?year=2024', ready: 'svg.network-graph' },
  { name: 'methodology', url: '/methodology', ready: '.method-line' },
  { name: 'sources', url: '/sources', ready: 'table.sources-table tbody tr' },
  { name: 'bad address', url: '/no-such-page', ready: '.problem' },
];

export const WIDTHS = [1440, 390] as const;
