// Prints `allies validate` (the ledgers beside the published assessments of
// curated/assessments) and how long it takes (not a test).
//   npx tsx bench/validate.ts [--year Y] [--method FILE] [--judgments FILE] [--json]
// A check to report and explain, not a target: weights are never tuned to it.
import os from 'node:os';
import { EVIDENCE_DIR } from '../src/evidence/load.ts';
import { DEFAULT_ASSESSMENTS_DIR } from '../src/analyses/assessment-files.ts';
import { validationText } from '../src/analyses/validation.ts';
import { runValidation } from '../src/interfaces/cli/commands/validate.ts';

const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const year = flag('--year');
const started = performance.now();
const report = await runValidation({
  year: year === undefined ? undefined : Number(year),
  method: flag('--method'),
  judgments: flag('--judgments'),
  evidence: flag('--evidence') ?? EVIDENCE_DIR,
  assessments: flag('--assessments') ?? DEFAULT_ASSESSMENTS_DIR,
  drivers: 5,
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : validationText(report));
const years = [...new Set(report.assessments.map((a) => a.year))].sort();
console.log(`\n${report.assessments.length} assessments against the ledgers of ${years.join(', ')}: ${seconds.toFixed(1)} s (evidence read, ledgers computed, assessments compared)   load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
