/**
 * Start-up: `node -e 0` against `goscratch --version`, `goscratch lint --help` and
 * `goscratch build --help`, each a whole process, interleaved. Target: --version and
 * lint --help within 1.3x of bare Node.
 */
import { goscratch, node, ROOT } from './lib/commands.js';
import { printTable, ratioAtMost, compared } from './lib/report.js';
import { interleave, runCount } from './lib/timing.js';

const RUNS = runCount(15);
const contenders = [
  { name: 'node -e 0', argv: node('-e', '0') },
  { name: 'goscratch --version', argv: goscratch('--version') },
  { name: 'goscratch lint --help', argv: goscratch('lint', '--help') },
  { name: 'goscratch build --help', argv: goscratch('build', '--help') },
].map((c) => ({ ...c, cwd: ROOT }));

const s = await interleave(contenders, RUNS);
const nodeStats = s.get('node -e 0')!;
printTable(`start-up, whole processes (median of ${RUNS} interleaved runs, min - max)`, [
  { label: 'node -e 0', stats: nodeStats },
  { label: 'goscratch --version', stats: s.get('goscratch --version')!, verdict: ratioAtMost(s.get('goscratch --version')!, nodeStats, 'node -e 0', 1.3) },
  { label: 'goscratch lint --help', stats: s.get('goscratch lint --help')!, verdict: ratioAtMost(s.get('goscratch lint --help')!, nodeStats, 'node -e 0', 1.3) },
  { label: 'goscratch build --help', stats: s.get('goscratch build --help')!, note: `${compared(s.get('goscratch build --help')!, nodeStats, 'node -e 0')} (no target)` },
]);
