import { defineRule } from '../rule.js';

const SECRET_PARTS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'SECRET', 'SECRETS', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATEKEY', 'AUTH']);
/** Parts before KEY that make it a public identifier, not a secret. */
const PUBLIC_KEY_PREFIX = new Set(['PUBLIC', 'GPG', 'PGP', 'CACHE', 'SORT', 'PRIMARY', 'FOREIGN']);
const SECRET_VALUES = [
  /AKIA[0-9A-Z]{16}/,
  /gh[pousr]_[A-Za-z0-9]{30,}/,
  /github_pat_[A-Za-z0-9_]{20,}/,
  /glpat-[A-Za-z0-9_-]{20,}/,
  /xox[abprs]-[A-Za-z0-9-]{10,}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY/,
  /sk_live_[A-Za-z0-9]{20,}/,
  /AIza[0-9A-Za-z_-]{35}/,
  // Bounded, and anchored at a scheme's start, so a very long value stays linear.
  /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}:\/\/[^/\s:@]{1,256}:[^/\s@$]{1,256}@/i,
];

/** Last parts that make the name about where a secret is, not the secret itself (TOKEN_URL, PASSWORD_FILE). */
const LOCATOR_SUFFIX = new Set(['URL', 'URI', 'FILE', 'PATH', 'DIR', 'ENDPOINT', 'HOST', 'PORT', 'HEADER', 'NAME', 'TYPE']);

function secretName(name: string): boolean {
  const parts = name.toUpperCase().split(/[_.-]+/);
  if (parts.length > 1 && LOCATOR_SUFFIX.has(parts[parts.length - 1]!)) return false;
  if (parts.some((p) => SECRET_PARTS.has(p))) return true;
  const k = parts.lastIndexOf('KEY');
  return k >= 0 && !(k > 0 && PUBLIC_KEY_PREFIX.has(parts[k - 1]!));
}

export default defineRule({
  id: 'GS305',
  severity: 'error',
  title: 'Secret in ARG or ENV',
  what: 'An ARG or ENV whose name looks like a secret (TOKEN, PASSWORD, SECRET, API_KEY, ...) or whose value looks like a credential (cloud keys, GitHub tokens, private keys, user:password@ URLs).',
  why: 'ENV values are stored in the image config and ARG values in its history: anyone who can pull the image can read them with `docker history` or `docker inspect`, long after the build.',
  fix: 'Pass secrets with BuildKit secret mounts: `RUN --mount=type=secret,id=gh_token GH_TOKEN=$(cat /run/secrets/gh_token) ...` and `docker build --secret id=gh_token,env=GH_TOKEN`.',
  bad: 'ARG GITHUB_TOKEN\nRUN git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/"',
  good: 'RUN --mount=type=secret,id=gh_token \\\n    git config --global url."https://$(cat /run/secrets/gh_token)@github.com/".insteadOf "https://github.com/"',
  equivalents: { buildkit: 'SecretsUsedInArgOrEnv', trivy: 'DS031' },
  check(ctx) {
    for (const instr of ctx.model.instrs) {
      if (instr.keyword !== 'ARG' && instr.keyword !== 'ENV') continue;
      for (const p of instr.props) {
        // `ENV TOKEN=""` declares where a secret goes at run time and stores nothing.
        const byName = secretName(p.name) && !(instr.keyword === 'ENV' && (p.value ?? '').replace(/^(["'])(.*)\1$/, '$2') === '');
        const byValue = p.value !== null && SECRET_VALUES.some((re) => re.test(p.value!));
        if (!byName && !byValue) continue;
        const why = byName ? `the name ${p.name} looks like a secret` : `the value of ${p.name} looks like a credential`;
        ctx.report(instr.span, `${instr.keyword} ${p.name}: ${why}; ${instr.keyword} values stay readable in the image (docker history/inspect)`, 'RUN --mount=type=secret,id=<name> ... and docker build --secret id=<name>');
      }
    }
  },
});
