// Branches of the same exercise side by side: for each decision prompt, the option each
// branch applied and what it did to the allies the teams play; then the final state of
// every ally either branch shows. Built from the plays' results (play.ts), rendered with the
// after-action report's document model, so it prints as Markdown, HTML or PDF alike. Pure.
import { points, signed } from '../reports/format.ts';
import type { PlayResult } from './play.ts';
import type { AfterActionReport, Block } from './report.ts';

function teamName(r: PlayResult, id: string): string {
  return r.exercise.teams.find((t) => t.id === id)?.name ?? id;
}

export function assembleComparison(results: readonly PlayResult[]): AfterActionReport {
  if (results.length < 2) throw new Error('compare at least two decisions files (--decisions A.yaml --decisions B.yaml)');
  const first = results[0];
  const x = first.exercise;
  for (const r of results) {
    if (r.exercise !== x && r.exercise.id !== x.id) throw new Error(`the decisions files are for different exercises (${x.id}, ${r.exercise.id})`);
  }
  const seen = new Set<string>();
  for (const r of results) {
    if (seen.has(r.play.branch)) throw new Error(`the branch "${r.play.branch}" is given twice: compare different branches`);
    seen.add(r.play.branch);
  }
  const followed = first.followed;
  const branches = results.map((r) => `${r.play.title} (${r.play.branch})`);
  const perDecision: Block = {
    kind: 'table',
    caption: `Decision by decision: the option applied and its effect on the net (Δ) of ${followed.join(', ') || 'the allies it moved'}`,
    head: ['move', 'team', 'decision', ...results.flatMap((r) => [`${r.play.branch}: applies`, `${r.play.branch}: Δ net`])],
    rows: x.prompts.map((p) => [
      p.move, teamName(first, p.team), p.question,
      ...results.flatMap((r) => {
        const e = r.effects.find((f) => f.decision.prompt.id === p.id);
        if (!e) return ['not decided', '–'];
        const d = e.decision;
        const what = d.applied ? `${d.applied.label}${d.adjudication && d.adjudication.ruling !== 'accept' ? ` (${d.adjudication.ruling}ed from "${d.chosen.label}")` : ''}` : `nothing (overruled "${d.chosen.label}")`;
        const shown = followed.length ? e.allies.filter((a) => followed.includes(a.ally)) : e.allies.slice(0, 3);
        const delta = e.changes.length === 0 ? 'no change' : shown.map((a) => `${a.ally} ${signed(a.netChange)}${a.holds !== null ? ` (${Math.round(a.holds * 100)}% of draws)` : ''}`).join('; ') || 'no change';
        return [what, delta];
      }),
    ]),
  };
  const allies = [...new Set(results.flatMap((r) => r.final.map((f) => f.ally)))];
  const finalTable: Block = {
    kind: 'table',
    caption: `Final state per ally (${first.year}): net and rank at the end of each branch`,
    head: ['ally', 'baseline net (rank)', ...results.map((r) => `${r.play.branch}: net (rank)`), ...(results.length === 2 ? [`${results[1].play.branch} − ${results[0].play.branch}`] : [])],
    numeric: [],
    rows: allies.map((ally) => {
      const cells = results.map((r) => r.all.find((f) => f.ally === ally) ?? null);
      const any = cells.find((c) => c !== null)!;
      const diff = results.length === 2 && cells[0] && cells[1] && cells[0].end.net !== null && cells[1].end.net !== null ? signed(cells[1].end.net - cells[0].end.net) : '–';
      return [
        `${any.name} (${ally})`, `${points(any.baseline.net)} (${any.baseline.rank ?? '–'})`,
        ...cells.map((c) => (c ? `${points(c.end.net)} (${c.end.rank ?? '–'})` : 'not shown')),
        ...(results.length === 2 ? [diff] : []),
      ];
    }),
  };
  const rb = first.robustness;
  return {
    title: `Branches compared: ${x.title}`,
    subtitle: branches.join(' vs '),
    sections: [
      { id: 'branches', title: 'Branches', blocks: [
        { kind: 'list', items: results.map((r) => `${r.play.title} (${r.play.branch}): ${r.play.file}`) },
        { kind: 'p', text: `Each decision is measured against the state before it in its own branch; the ledgers are those of ${first.year}${x.base ? `, starting from the scenario ${x.base.id}` : ''}. ${rb ? `Robustness: ${rb.draws} paired draws (seed ${rb.seed}); the share given is that of draws in which the net moves the same way.` : 'No robustness draws.'}` },
      ], children: [] },
      { id: 'decisions', title: 'Ledger effects per decision', blocks: [perDecision], children: [] },
      { id: 'final', title: 'Final state per ally', blocks: [finalTable], children: [] },
    ],
  };
}
