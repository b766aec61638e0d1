import { GO_RELEASES_UPDATED, parseGoVersion, supportEnded } from '../goreleases.js';
import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS511',
  severity: 'info',
  title: 'Go version no longer supported upstream',
  help: 'Each Go release is supported until two newer major releases exist; unsupported releases get no security fixes. Rebuild with a supported Go.',
  check(ctx) {
    const go = ctx.binary?.go;
    const v = go ? parseGoVersion(go.goVersion) : undefined;
    if (!go || !v || v.major !== 1) return;
    const ended = supportEnded(v.minor, ctx.today);
    if (!ended) return;
    const when = ended.projected ? `about ${ended.date.slice(0, 7)} (projected; release table of ${GO_RELEASES_UPDATED})` : `${ended.date}, when go1.${v.minor + 2} was released`;
    ctx.report(`the binary is built with ${go.goVersion}; go1.${v.minor} is no longer supported upstream (since ${when}) and gets no security fixes`, 'rebuild with a supported Go release');
  },
});
