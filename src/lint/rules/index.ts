/** Every lint rule, in id order. */
import type { Rule } from '../rule.js';
import gs101 from './gs101.js';
import gs102 from './gs102.js';
import gs103 from './gs103.js';
import gs104 from './gs104.js';
import gs105 from './gs105.js';
import gs106 from './gs106.js';
import gs107 from './gs107.js';
import gs108 from './gs108.js';
import gs109 from './gs109.js';
import gs201 from './gs201.js';
import gs202 from './gs202.js';
import gs203 from './gs203.js';
import gs204 from './gs204.js';
import gs205 from './gs205.js';
import gs206 from './gs206.js';
import gs301 from './gs301.js';
import gs302 from './gs302.js';
import gs303 from './gs303.js';
import gs304 from './gs304.js';
import gs305 from './gs305.js';
import gs306 from './gs306.js';
import gs307 from './gs307.js';
import gs400 from './gs400.js';
import gs401 from './gs401.js';
import gs402 from './gs402.js';
import gs403 from './gs403.js';
import gs404 from './gs404.js';
import gs405 from './gs405.js';
import gs406 from './gs406.js';

export const RULES: readonly Rule[] = [
  gs101, gs102, gs103, gs104, gs105, gs106, gs107, gs108, gs109,
  gs201, gs202, gs203, gs204, gs205, gs206,
  gs301, gs302, gs303, gs304, gs305, gs306, gs307,
  gs400, gs401, gs402, gs403, gs404, gs405, gs406,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.info.id === id.toUpperCase());
}
