/** Every inspect rule, in id order. */
import type { AuditRule } from '../rule.js';
import gs501 from './gs501.js';
import gs502 from './gs502.js';
import gs503 from './gs503.js';
import gs504 from './gs504.js';
import gs505 from './gs505.js';
import gs506 from './gs506.js';
import gs507 from './gs507.js';
import gs508 from './gs508.js';
import gs509 from './gs509.js';
import gs510 from './gs510.js';
import gs511 from './gs511.js';
import gs512 from './gs512.js';
import gs513 from './gs513.js';

export const INSPECT_RULES: readonly AuditRule[] = [gs501, gs502, gs503, gs504, gs505, gs506, gs507, gs508, gs509, gs510, gs511, gs512, gs513];
