import { isCopy, mentions } from '../facts.js';
import { goBuilds } from '../gocmd.js';
import { chainInstrs } from '../model.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS204',
  severity: 'info',
  title: 'Scratch image without time zone data',
  what: 'The final stage descends from scratch, copies no zoneinfo, and nothing hints that the binary embeds `time/tzdata`.',
  why: 'Without /usr/share/zoneinfo, `time.LoadLocation("Europe/Berlin")` returns `unknown time zone Europe/Berlin` and TZ is ignored: times silently come out in UTC.',
  fix: 'Build with `-tags timetzdata` (or `import _ "time/tzdata"` and mention it in a comment), or copy /usr/share/zoneinfo from the builder.',
  bad: 'RUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app',
  good: 'RUN CGO_ENABLED=0 go build -tags timetzdata -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app',
  check(ctx) {
    const { model } = ctx;
    const final = model.final;
    if (!final?.scratch) return;
    const instrs = chainInstrs(final);
    if (instrs.some((i) => (isCopy(i) && mentions(i.words.map((w) => w.value), ['zoneinfo'])) || (i.keyword === 'ENV' && i.props.some((p) => p.name === 'ZONEINFO')))) return;
    if (goBuilds(model).some((b) => b.flags.tags.includes('timetzdata'))) return;
    if (model.lines.some((l) => l.includes('time/tzdata') || l.includes('timetzdata'))) return;
    ctx.report(final.from.span, 'the scratch final stage has no time zone data: time.LoadLocation fails with "unknown time zone" and TZ is ignored', 'go build -tags timetzdata ...');
  },
});
