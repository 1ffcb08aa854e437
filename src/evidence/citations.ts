// The source registry as citations for reference managers: BibTeX (biblatex entry types, which
// pandoc, Zotero and biber read) and CSL-JSON. Each source gets the entry type of what it is
// (a dataset, a journal article with journal, volume, issue, pages and DOI, a report, a
// newspaper or magazine article, a web page, a treaty, a statute, a court decision, a book),
// its key is the evidence's own source id (`atop-5.1`, so `[@atop-5.1]` in pandoc finds it), and
// a DOI sits in `doi`. Licence terms and snapshot hashes stay in the registry
// (evidence/sources.csv, source_files.csv) and the report's bibliography appendix, not in
// every reference's note.
import type { Source } from './schema.ts';

/** The CSL types the registry's sources take, and their biblatex entry types (pandoc maps them back). */
export const CITATION_TYPES = {
  dataset: { bibtex: 'dataset' },
  'article-journal': { bibtex: 'article' },
  'article-newspaper': { bibtex: 'article', entrysubtype: 'newspaper' },
  'article-magazine': { bibtex: 'article', entrysubtype: 'magazine' },
  report: { bibtex: 'techreport' },
  webpage: { bibtex: 'online' },
  book: { bibtex: 'book' },
  manuscript: { bibtex: 'unpublished' },
  legislation: { bibtex: 'legislation' },
  treaty: { bibtex: 'legal' },
  legal_case: { bibtex: 'jurisdiction' },
} as const satisfies Record<string, { bibtex: string; entrysubtype?: string }>;
export type CitationType = keyof typeof CITATION_TYPES;

const TREATY = /^(treaty-|agreement-|agreements-|charter-|act-of-|declaration-laos|mou-|tac-|helsinki-|edca-|us-aus-fpa|us-japan-sofa|us-rok-sofa|us-spain-|mofa-jpn-[a-z]+-raa)/;
const LEGISLATION = /^(us-code-|us-pl-|us-tra-|constitution-|basic-law-|fr-mnna-)/;
const LEGAL_CASE = /^(bverfg-|pca-)/;
const BOOK = new Set(['johnson-2000-blowback']);
const MANUSCRIPT = new Set(['blankenship-2025']);
const JOURNAL = /^(The )?(Journal|International Security|International Interactions|International Studies Quarterly|Research & Politics|Proceedings of|Texas National Security Review|Washington Quarterly|Department of State Bulletin)/;
const NEWSPAPER = /(Associated Press|\(AP\)|Asahi|Baltic Course|Central News Agency|New York Times|Japan Times|Jiji|Korean Broadcasting|Lithuanian National Radio|Mainichi|Philippine Star|Stars and Stripes|Taiwan News|TVNet|United Press International|USA Today|Voice of America|Wall Street Journal|Xinhua|Yomiuri|Libertatea|Informat\.ro|Japan Press Service|PS News)/;
const MAGAZINE = /(Air & Space Forces|Foreign Policy|War on the Rocks|Defense One|Strategist|Contact Air Land and Sea)/;
const REPORT = /^(Congressional Research Service|U\.S\. Government Accountability Office|RAND|Council on Foreign Relations|International Monetary Fund|Center for Strategic and International|Lowy Institute|Sasakawa|Japan Institute of International Affairs|Carnegie|Ministry of National Defense|Government of Japan|Commonwealth of Australia|U\.S\. Energy Information|National Security Agency)/;
const REPORT_IDS = /^(us-dod-nds-|dod-allied-contributions-|us-japan-alliance-overview-|nato-strategic-concept-)/;

/** What kind of work a source is, for reference managers. */
export function citationType(s: Source): CitationType {
  if (s.kind !== 'publication') return 'dataset';
  if (TREATY.test(s.id)) return 'treaty';
  if (LEGISLATION.test(s.id)) return 'legislation';
  if (LEGAL_CASE.test(s.id)) return 'legal_case';
  if (BOOK.has(s.id)) return 'book';
  if (MANUSCRIPT.has(s.id)) return 'manuscript';
  if (doiOf(s) || JOURNAL.test(s.publisher)) return 'article-journal';
  if (NEWSPAPER.test(s.publisher)) return 'article-newspaper';
  if (MAGAZINE.test(s.publisher) || MAGAZINE.test(s.author)) return 'article-magazine';
  if (REPORT.test(s.publisher) || REPORT_IDS.test(s.id)) return 'report';
  return 'webpage';
}

/** The DOI of a source whose URL is a doi.org link. */
export function doiOf(s: Source): string | null {
  const m = /^https?:\/\/(?:dx\.)?doi\.org\/(10\..+)$/.exec(s.url);
  return m ? m[1] : null;
}

/** The journal, volume, issue and pages of an article, from "39(4): 7-48" in version or "Review 3, no. 2" in publisher. */
export function articleParts(s: Source): { journal: string; volume?: string; issue?: string; pages?: string } {
  const inPublisher = /^(.*?),?\s+(?:vol\.\s*)?(\d+),\s*no\.\s*(\d+)/.exec(s.publisher);
  if (inPublisher) return { journal: inPublisher[1], volume: inPublisher[2], issue: inPublisher[3] };
  const v = /^(\d+)(?:\((\d+)\))?(?::\s*([\w-]+))?$/.exec(s.version.trim());
  if (v) return { journal: s.publisher, volume: v[1], issue: v[2], pages: v[3] };
  if (/^[A-Z]\d+$/.test(s.version.trim())) return { journal: s.publisher, pages: s.version.trim() };
  return { journal: s.publisher };
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** The date a version names ("2024-07-08", "26 September 2019", "2021-03"), as date parts, if it is in the source's year. */
export function versionDate(s: Source): number[] | null {
  const iso = /\b(\d{4})-(\d{2})(?:-(\d{2}))?\b/.exec(s.version);
  let parts: number[] | null = null;
  if (iso) parts = iso[3] ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : [Number(iso[1]), Number(iso[2])];
  const long = /\b(\d{1,2}) ([A-Z][a-z]+) (\d{4})\b/.exec(s.version);
  if (!parts && long && MONTHS.includes(long[2].toLowerCase())) parts = [Number(long[3]), MONTHS.indexOf(long[2].toLowerCase()) + 1, Number(long[1])];
  return parts && parts[0] === s.year && parts[1] >= 1 && parts[1] <= 12 ? parts : null;
}

/** A report's number ("RR-150-AF", "GAO-21-270", "IF11280"), when the version is one. */
function reportNumber(s: Source): string | null {
  const m = /^((?:RR|GAO|IF|R|RL)-?[\dA-Z-]+|\d{2}-\d{3}(?: [A-Z])?|IF\d+)\b/.exec(s.version);
  return m ? m[1] : null;
}

function authorsOf(s: Source): string[] {
  return s.author.split(';').map((a) => a.trim()).filter(Boolean);
}

/** A person's name is "Family, Given"; anything else is an organisation. */
function isPerson(a: string): boolean {
  return /^[^,]+, [^,]+$/.test(a) && !/\(|Department|Ministry|Office|Agency|Project|Organization|Institute/.test(a);
}

function bibEscape(text: string): string {
  return text.replace(/\\/g, '').replace(/([&%$#_])/g, '\\$1').replace(/[{}]/g, '');
}

/** The fields common to both formats, per source. */
function describe(s: Source) {
  const type = citationType(s);
  const doi = doiOf(s);
  const url = doi ? '' : s.url;
  const date = versionDate(s);
  const article = type === 'article-journal' || type === 'article-newspaper' || type === 'article-magazine' ? articleParts(s) : null;
  const number = type === 'report' ? reportNumber(s) : null;
  // The version is kept where a field holds it: a dataset's release, a report's number, an
  // article's volume and issue, a date; otherwise as a note (place and date of a treaty, edition).
  const versionUsed = type === 'dataset' || number !== null || (article && (article.volume || article.pages)) || (date && s.version.trim().length <= 20);
  return { type, doi, url, date, article, number, note: versionUsed || !s.version ? '' : s.version };
}

/** BibTeX (biblatex) entries, keyed by source id. `_files` is accepted for compatibility: hashes stay in the registry. */
export function toBibtex(sources: readonly Source[], _files: readonly unknown[] = []): string {
  return sources.map((s) => {
    const d = describe(s);
    const spec: { bibtex: string; entrysubtype?: string } = CITATION_TYPES[d.type];
    const fields: [string, string][] = [
      ['title', `{${bibEscape(s.title)}}`],
      ['author', authorsOf(s).map((a) => (isPerson(a) ? bibEscape(a) : `{${bibEscape(a)}}`)).join(' and ')],
    ];
    if (spec.entrysubtype) fields.push(['entrysubtype', spec.entrysubtype]);
    if (d.article) {
      fields.push(['journal', bibEscape(d.article.journal)]);
      if ('volume' in d.article && d.article.volume) fields.push(['volume', d.article.volume]);
      if ('issue' in d.article && d.article.issue) fields.push(['number', d.article.issue]);
      if ('pages' in d.article && d.article.pages) fields.push(['pages', d.article.pages.replace(/-/g, '--')]);
    } else if (d.type === 'report') {
      fields.push(['institution', bibEscape(s.publisher)]);
      if (d.number) fields.push(['number', bibEscape(d.number)]);
    } else if (d.type === 'webpage') {
      fields.push(['organization', bibEscape(s.publisher)]);
    } else {
      fields.push(['publisher', bibEscape(s.publisher)]);
    }
    if (d.type === 'dataset' && s.version) fields.push(['version', bibEscape(s.version)]);
    fields.push(d.date ? ['date', d.date.map((n, i) => (i ? String(n).padStart(2, '0') : String(n))).join('-')] : ['year', String(s.year)]);
    if (d.doi) fields.push(['doi', d.doi]);
    if (d.url) fields.push(['url', d.url]);
    if (d.note) fields.push(['note', bibEscape(d.note)]);
    return `@${spec.bibtex}{${s.id},\n${fields.map(([k, v]) => `  ${k} = {${v}}`).join(',\n')}\n}\n`;
  }).join('\n');
}

/** CSL-JSON items (Zotero, pandoc --citeproc, citation.js), with the source id as id. */
export function toCslJson(sources: readonly Source[]): object[] {
  return sources.map((s) => {
    const d = describe(s);
    const container = d.article?.journal ?? (d.type === 'webpage' ? s.publisher : undefined);
    return {
      id: s.id,
      type: d.type,
      title: s.title,
      author: authorsOf(s).map((a) => {
        if (!isPerson(a)) return { literal: a };
        const [family, given] = a.split(',').map((x) => x.trim());
        return { family, given };
      }),
      ...(container ? { 'container-title': container } : { publisher: s.publisher }),
      ...(d.article && 'volume' in d.article && d.article.volume ? { volume: d.article.volume } : {}),
      ...(d.article && 'issue' in d.article && d.article.issue ? { issue: d.article.issue } : {}),
      ...(d.article && 'pages' in d.article && d.article.pages ? { page: d.article.pages } : {}),
      ...(d.number ? { number: d.number } : {}),
      ...(d.type === 'dataset' && s.version ? { version: s.version } : {}),
      issued: { 'date-parts': [d.date ?? [s.year]] },
      ...(d.doi ? { DOI: d.doi } : {}),
      ...(d.url ? { URL: d.url } : {}),
      ...(d.note ? { note: d.note } : {}),
    };
  });
}
