import { isCopy, mentions } from '../facts.js';
import { chainInstrs } from '../model.js';
import { exportsFiles } from '../graph.js';
import { defineRule } from '../rule.js';

const CA_HINTS = ['ca-certificates', '/etc/ssl/', 'ca-bundle', 'cacert', '/etc/pki/', '.crt', '.pem', 'x509roots'];

export default defineRule({
  id: 'GS203',
  severity: 'warning',
  title: 'Scratch image without CA certificates',
  what: 'The final stage is on scratch and nothing copies CA certificates into it. (Distroless and Chainguard static bases ship a CA bundle.)',
  why: 'Go reads trusted roots from /etc/ssl/certs at run time; scratch has none, so every HTTPS call fails with `x509: certificate signed by unknown authority`.',
  fix: 'Copy the bundle from the builder: `COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/` (or embed roots with `import _ "golang.org/x/crypto/x509roots/fallback"`, and say so in a comment).',
  bad: 'FROM scratch\nCOPY --from=build /out/app /app',
  good: 'FROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY --from=build /out/app /app',
  check(ctx) {
    const { model } = ctx;
    const final = model.final;
    if (final?.base?.caCerts !== false || exportsFiles(final)) return;
    const instrs = chainInstrs(final);
    const copied = instrs.some((i) => isCopy(i) && mentions(i.words.map((w) => w.value), CA_HINTS));
    const env = instrs.some((i) => i.keyword === 'ENV' && i.props.some((p) => p.name === 'SSL_CERT_FILE' || p.name === 'SSL_CERT_DIR'));
    const embedded = model.comments.some((c) => c.text.includes('x509roots'));
    if (copied || env || embedded) return;
    ctx.report(final.from.span, 'the final stage on scratch has no CA certificates: HTTPS calls fail with "x509: certificate signed by unknown authority"', 'COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/');
  },
});
