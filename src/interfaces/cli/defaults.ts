// The defaults that `allies <command> --help` names, without importing the libraries that use
// them: registering a command loads only commander and this file (issue 13). Each constant
// equals the library's own (test/cli/startup.test.ts checks every one), so the CLI and the
// libraries cannot drift apart.
import path from 'node:path';
import { PACKAGE_ROOT as ROOT } from '../../paths.ts';

/** = EVIDENCE_DIR of src/evidence/load.ts */
export const EVIDENCE_DIR = path.join(ROOT, 'evidence');
/** = DEFAULT_METHODOLOGY_FILE and DEFAULT_JUDGMENTS_FILE of src/method/files.ts */
export const DEFAULT_METHODOLOGY_FILE = path.join(ROOT, 'methods/default.yaml');
export const DEFAULT_JUDGMENTS_FILE = path.join(ROOT, 'judgments/default.yaml');
/** = DEFAULT_CLAIMS_FILE and DEFAULT_INTERESTS_FILE of src/analyses/files.ts */
export const DEFAULT_CLAIMS_FILE = path.join(ROOT, 'curated/claims.yaml');
export const DEFAULT_INTERESTS_FILE = path.join(ROOT, 'methods/interests.yaml');
/** = DEFAULT_ASSESSMENTS_DIR of src/analyses/assessment-files.ts */
export const DEFAULT_ASSESSMENTS_DIR = path.join(ROOT, 'curated/assessments');
/** = TABLE_FORMATS and CITATION_FORMATS of src/exports/formats.ts */
export const TABLE_FORMATS = ['csv', 'xlsx', 'parquet', 'json'] as const;
export const CITATION_FORMATS = ['bibtex', 'csl'] as const;
/** = DEFAULT_ASSUMPTIONS of src/scenarios/baseline.ts (real GDP growth and U.S.-dollar inflation, % a year) */
export const DEFAULT_ASSUMPTIONS = { realGrowthPct: 1.5, inflationPct: 2.0 } as const;
/** = Object.keys(GROUPINGS) of src/analyses/history.ts (allies history --by) */
export const HISTORY_GROUPINGS = ['overview', 'all', 'obligation', 'size', 'symmetry', 'era', 'us', 'defense'] as const;
/** = MAX_TIERS of src/analyses/tiers.ts */
export const MAX_TIERS = 6;
