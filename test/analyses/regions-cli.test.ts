// `allies regions` as a user runs it: the theaters side by side in text (distribution, the
// line items that differ most, the medians since 2000, how robust the gap is, definitions and
// sources) and as JSON (the same report the API serves); bad regions are usage errors.
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerRegionCommand } from '../../src/interfaces/cli/commands/regions.ts';
import { testEvidenceDir } from '../api/support.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

async function run(args: string[]): Promise<{ out: string; error: string | null }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
  const program = new Command('allies').exitOverride().configureOutput({ writeErr: () => {}, writeOut: (s) => { out += s; } });
  registerRegionCommand(program);
  try {
    await program.parseAsync([...args, '--evidence', await testEvidenceDir()], { from: 'user' });
    return { out, error: null };
  } catch (err) {
    return { out, error: err instanceof Error ? err.message : String(err) };
  }
}

describe('allies regions', () => {
  it('prints Asia against Europe on every heading, with how robust the gap is', async () => {
    const { out, error } = await run(['regions', '--year', '2024', '--draws', '200']);
    expect(error).toBeNull();
    expect(out).toContain('Asia against Europe, 2024');
    expect(out).toMatch(/Median Asia minus median Europe: [−+±]\d+\.\d points/);
    expect(out).toContain('The line items where Asia and Europe differ most');
    expect(out).toMatch(/^2000 /m);
    expect(out).toMatch(/How robust: in \d+(\.\d)?% of 200 robustness draws/);
    expect(out).toContain('Sources: ');
  }, 120_000);

  it('gives the same report as JSON, and other regions on request', async () => {
    const { out } = await run(['regions', '--regions', 'europe,americas', '--draws', '0', '--json']);
    const body = JSON.parse(out) as { regions: string[]; items: unknown[]; series: unknown[]; robustness: unknown };
    expect(body.regions).toEqual(['europe', 'americas']);
    expect(body.items.length).toBeGreaterThan(10);
    expect(body.robustness).toBeNull();
  }, 120_000);

  it('refuses an unknown region as a usage error', async () => {
    expect((await run(['regions', '--regions', 'asia,atlantis'])).error).toMatch(/--regions "asia,atlantis" must name two or more regions/);
  });
});
