// Text from files reaches the terminal without control characters: a scenario whose title
// carries an escape sequence prints the title, not the sequence.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/interfaces/cli/main.ts';
import { terminalSafe } from '../../src/interfaces/cli/terminal.ts';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('terminal output', () => {
  it('strips ESC sequences and C0/C1 controls, keeping newlines, tabs and text', () => {
    expect(terminalSafe('\u001b[31mred\u001b[0m\ttab\nline')).toBe('red\ttab\nline');
    expect(terminalSafe('title\u001b]0;pwned\u0007 set')).toBe('title set');
    expect(terminalSafe('a\u0008\u0000b\u009b31mc\u007f\rd\r\ne')).toBe('ab31mcd\r\ne');
    expect(terminalSafe('Côte d’Ivoire — 5 %')).toBe('Côte d’Ivoire — 5 %');
  });

  it('prints a scenario title with an escape sequence without the sequence', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'allies-terminal-'));
    try {
      const text = (await readFile('scenarios/hns-japan-x4.yaml', 'utf8'))
        .replace(/^title: .*$/m, 'title: "\\u001b[31mRed title\\u001b[0m \\u001b]0;retitled\\u0007done"');
      const file = path.join(dir, 'escape.yaml');
      await writeFile(file, text);
      let out = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      expect(await run(['scenario', 'show', file])).toBe(0);
      expect(out).toContain('Red title done');
      // eslint-disable-next-line no-control-regex -- looking for control characters is the test
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
