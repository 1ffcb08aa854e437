// Where a transform writes its observations: each one encoded into the evidence store's columns as
// it is made (src/store/evidence-store.ts, ColumnEncoder), instead of kept as an object until the
// transform ends. The objects are garbage at once (no collection copies them), the build checks the
// rows once per distinct text and orders them by a radix sort of their keys
// (src/pipeline/observations.ts), and a locator made by a LocatorPattern is written from its
// numbers, never read back character by character (the store's reading of locators had been a
// tenth of the build's thread).
//
// Only rows of the plain shape go into columns: the ones the observation schema plainly accepts
// (plainlyValid of src/evidence/check.ts) and whose columns give them back exactly (no -0). The
// first row of another shape turns the whole list back into objects, and the build then takes
// the path it takes for a list of objects, so a bad row gets the error it always got.
import { OBSERVATION_FLAGS } from '../evidence/check.ts';
import { COUNTRY_CODE, OBSERVATION_YEARS } from '../evidence/schema.ts';
import type { Observation } from '../evidence/schema.ts';
import { ColumnEncoder } from '../store/evidence-store.ts';
import type { LocatorShape } from '../store/evidence-store.ts';


export class ObservationColumns {
  private encoder: ColumnEncoder | null = new ColumnEncoder(4096);
  private objects: Observation[] | null = null;
  // The country and counterpart the row before had, known to be codes (rows of a series share them).
  private lastCountry: string | null = null;
  private lastCounterpart: string | null = null;

  /**
   * Write an observation. With the pattern that made its locator (`pattern.text(...)`, the last
   * text it made), the locator is written from the pattern's numbers instead of read as text.
   */
  push(o: Observation, pattern?: LocatorPattern): void {
    if (this.objects !== null) {
      this.objects.push(o);
      return;
    }
    const flags = plainFlags(o.flags);
    if (flags === null || !this.plain(o)) {
      this.objects = this.toObservations();
      this.encoder = null;
      this.objects.push(o);
      return;
    }
    if (pattern !== undefined && pattern.made(o.locator)) this.encoder!.addObservation(o, flags, pattern.shape, pattern.a, pattern.b);
    else this.encoder!.addObservation(o, flags);
  }

  /**
   * What plainlyValid (src/evidence/check.ts) checks, from the same bounds, with the country codes
   * checked once per run of rows with the same; and no -0 (test/pipeline/observation-columns.test.ts
   * holds the two to the same answer).
   */
  private plain(o: Observation): boolean {
    const { country, counterpart, year, value, low, high } = o;
    if (typeof country !== 'string' || typeof counterpart !== 'string' || typeof o.indicator !== 'string' || typeof o.source !== 'string'
      || typeof o.note !== 'string' || typeof o.locator !== 'string' || o.locator.length === 0) return false;
    if (typeof year !== 'number' || !Number.isInteger(year) || year < OBSERVATION_YEARS.min || year > OBSERVATION_YEARS.max) return false;
    if (!plainNumber(value) || !plainNumber(low) || !plainNumber(high)) return false;
    if (country !== this.lastCountry) {
      if (!COUNTRY_CODE.test(country)) return false;
      this.lastCountry = country;
    }
    if (counterpart !== this.lastCounterpart) {
      if (counterpart !== '' && !COUNTRY_CODE.test(counterpart)) return false;
      this.lastCounterpart = counterpart;
    }
    return true;
  }

  get length(): number {
    return this.objects?.length ?? this.encoder!.n;
  }

  /** The columns, when every row went into them (null: the rows are objects, see toObservations). */
  columns(): ColumnEncoder | null {
    return this.encoder;
  }

  /** The observations, in the order they were written. */
  toObservations(): Observation[] {
    if (this.objects !== null) return this.objects;
    const enc = this.encoder!;
    const out: Observation[] = new Array<Observation>(enc.n);
    for (let r = 0; r < enc.n; r++) out[r] = enc.observationAt(r);
    return out;
  }
}

/** A finite number but -0, or null. */
const plainNumber = (x: unknown): boolean => x === null || (typeof x === 'number' && Number.isFinite(x) && !Object.is(x, -0));

/** The flags joined by ";" when each is a flag the schema knows (which holds no ";"), else null. */
function plainFlags(flags: unknown): string | null {
  if (!Array.isArray(flags)) return null;
  if (flags.length === 0) return '';
  for (const f of flags) if (!OBSERVATION_FLAGS.has(f as string)) return null;
  return flags.length === 1 ? (flags[0] as string) : flags.join(';');
}

/** A transform's observations as a list of objects, however it wrote them. */
export function observationList(obs: Observation[] | ObservationColumns): Observation[] {
  return obs instanceof ObservationColumns ? obs.toObservations() : obs;
}

/**
 * A locator of fixed texts with one or two whole numbers between them ("<file> row ", 12,
 * ", column milex"). A transform makes each locator with text(); given the pattern, the columns
 * write the last locator it made from its numbers (the template's runs, as reading the text would
 * find them) instead of reading the text character by character. Any other text is read.
 */
export class LocatorPattern {
  readonly parts: readonly string[];
  /** How the text's runs of digits fall (null: the numbers would not be runs of their own, or a part holds a NUL: every text is read). */
  readonly shape: LocatorShape | null;
  private last: string | null = null;
  /** The numbers of the text made last. */
  a = 0;
  b = 0;

  constructor(...parts: string[]) {
    if (parts.length !== 2 && parts.length !== 3) throw new Error('a locator pattern has one or two numbers between its texts');
    this.parts = parts;
    this.shape = shapeOf(parts);
  }

  /** The locator with the numbers `a` (and `b`, for three parts) in place. */
  text(a: number, b = 0): string {
    const p = this.parts;
    const s = p.length === 2 ? p[0] + a + p[1] : p[0] + a + p[1] + b + p[2];
    this.last = s;
    this.a = a;
    this.b = b;
    return s;
  }

  /** Whether `locator` is the text made last, and its numbers runs of the template (whole, 0 to 999,999,999). */
  made(locator: string): boolean {
    return this.shape !== null && locator === this.last && isRun(this.a) && isRun(this.b);
  }
}

const isRun = (x: number): boolean => Number.isInteger(x) && x >= 0 && x <= 999_999_999;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * The runs of digits of the texts (those the store's locator template makes numbers: 1-9 digits,
 * no leading zero but "0" itself) and the places of the numbers between them, when each number is
 * a run of its own: no text but the first starts with a digit, none but the last ends with one.
 */
function shapeOf(parts: readonly string[]): LocatorShape | null {
  const nums: number[] = [];
  const places: number[] = [];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    if (part.includes('\u0000')) return null;
    if (k > 0 && part.length > 0 && isDigit(part.charCodeAt(0))) return null;
    if (k < parts.length - 1 && part.length > 0 && isDigit(part.charCodeAt(part.length - 1))) return null;
    if (k > 0 && part.length === 0 && k < parts.length - 1) return null; // two numbers side by side would be one run
    for (let i = 0; i < part.length;) {
      if (!isDigit(part.charCodeAt(i))) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < part.length && isDigit(part.charCodeAt(j))) j++;
      if (j - i <= 9 && (part.charCodeAt(i) !== 48 || j - i === 1)) nums.push(Number(part.slice(i, j)));
      i = j;
    }
    if (k < parts.length - 1) {
      places.push(nums.length);
      nums.push(0);
    }
  }
  return { nums: Uint32Array.from(nums), a: places[0], b: places.length > 1 ? places[1] : -1 };
}
