// The CLI as a user runs it: help everywhere, exit codes, and messages that say what to fix.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/interfaces/cli/main.ts';

function capture() {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err += String(chunk); return true; });
  return { out: () => out, err: () => err };
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('allies', () => {
  it('prints help for every command and exits 0', async () => {
    for (const args of [['--help'], ['data', '--help'], ['data', 'build', '--help'], ['data', 'check', '--help'], ['sources', '--help'], ['sql', '--help'], ['obs', '--help']]) {
      const io = capture();
      expect(await run(args)).toBe(0);
      expect(io.out() + io.err()).toMatch(/Usage: allies/);
      vi.restoreAllMocks();
    }
  });

  it('exits 2 on an unknown command', async () => {
    const io = capture();
    expect(await run(['nonsense'])).toBe(2);
    expect(io.err()).toMatch(/unknown command/);
  });

  it('exports the source registry as BibTeX and CSL-JSON', async () => {
    let io = capture();
    expect(await run(['sources', '--format', 'bibtex'])).toBe(0);
    expect(io.out()).toMatch(/@dataset\{sipri-milex-2025,/);
    vi.restoreAllMocks();
    io = capture();
    expect(await run(['sources', '--format', 'csl'])).toBe(0);
    const items = JSON.parse(io.out()) as { id: string; issued: unknown }[];
    expect(items.find((i) => i.id === 'atop-5.1')).toBeTruthy();
  });

  it('names an unknown country and exits 1', async () => {
    const io = capture();
    expect(await run(['obs', 'Atlantis'])).toBe(1);
    expect(io.err()).toMatch(/unknown country "Atlantis"/);
  });

  it('answers SQL over the evidence in the embedded database, and reports SQL errors', async () => {
    let io = capture();
    expect(await run(['sql', 'select count(*) as n from allies', '--json'])).toBe(0);
    expect(JSON.parse(io.out())[0].n).toBeGreaterThanOrEqual(60);
    vi.restoreAllMocks();
    io = capture();
    expect(await run(['sql', 'select nope from allies'])).toBe(1);
    expect(io.err()).toMatch(/SQL error: column "nope" does not exist/);
  });
});
