import { copyPaths } from '../facts.js';
import { defineRule } from '../rule.js';

/** What only ADD can do: fetch a URL or a git repository, or unpack a local archive. */
const ADD_ONLY = /^(https?:\/\/|git@|[^\s]+\.git(#|$))|\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

export default defineRule({
  id: 'GS307',
  severity: 'warning',
  title: 'ADD where COPY does the job',
  what: 'ADD copies plain local files or directories, which COPY does without ADD\'s side effects.',
  why: 'ADD unpacks any local tar archive it is given and fetches URLs, so a file that happens to be an archive lands in the image unpacked; readers cannot tell which of these was meant. COPY does exactly one thing.',
  fix: 'Use COPY for files and directories; keep ADD for URLs, git sources and archives you want unpacked.',
  bad: 'ADD ./cmd /src/cmd',
  good: 'COPY ./cmd /src/cmd',
  equivalents: { hadolint: 'DL3020' },
  check(ctx) {
    for (const instr of ctx.model.instrs) {
      if (instr.keyword !== 'ADD' || instr.heredocs.length > 0) continue;
      const { sources } = copyPaths(instr);
      if (sources.length > 0 && !sources.some((s) => ADD_ONLY.test(s))) {
        ctx.report(instr.span, `ADD of ${sources.join(' ')}: COPY does the same without unpacking archives or fetching URLs`, `COPY ${instr.text.trim()}`);
      }
    }
  },
});
