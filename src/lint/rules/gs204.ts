import { isCopy, mentions } from '../facts.js';
import { goBuilds } from '../gocmd.js';
import { chainInstrs, expand, varsAt, type DockerfileModel, type Instr } from '../model.js';
import { exportsFiles } from '../graph.js';
import { defineRule } from '../rule.js';
import { commandsOf } from '../shell.js';

/** Installs the tzdata package: apk, apt, dnf/yum/microdnf. */
function installsTzdata(instr: Instr): boolean {
  return instr.keyword === 'RUN' && commandsOf(instr).some((c) => /^(apk|apt-get|apt|dnf|yum|microdnf)$/.test(c.words[0] ?? '') && c.words.includes('tzdata'));
}

/** What in the file says the program uses time zones, or undefined. */
function evidence(model: DockerfileModel): { instr: Instr; what: string } | undefined {
  for (const instr of model.instrs) {
    if (instr.keyword === 'ENV' || instr.keyword === 'ARG') {
      const tz = instr.props.find((p) => p.name === 'TZ' && p.value !== null && p.value !== '' && !/^(UTC|Etc\/UTC|:?UTC0?)$/i.test(expand(p.value, varsAt(model, instr))));
      if (tz) return { instr, what: `${instr.keyword} TZ=${tz.value} is set` };
    }
    if (installsTzdata(instr)) return { instr, what: `tzdata is installed on line ${instr.span.start.line + 1}` };
  }
  return undefined;
}

export default defineRule({
  id: 'GS204',
  severity: 'info',
  title: 'Scratch image without the time zone data the Dockerfile asks for',
  what: 'The final stage is on scratch, copies no zoneinfo, the binary does not embed `time/tzdata`, and the Dockerfile shows that time zones matter: a `TZ` other than UTC is set, or the tzdata package is installed in a builder and never copied over. Without such evidence the rule stays silent.',
  why: 'Without /usr/share/zoneinfo, `time.LoadLocation("Europe/Berlin")` returns `unknown time zone Europe/Berlin` and TZ is ignored: times silently come out in UTC.',
  fix: 'Build with `-tags timetzdata` (or `import _ "time/tzdata"` and mention it in a comment), or copy /usr/share/zoneinfo from the builder.',
  bad: 'RUN apk add --no-cache tzdata && CGO_ENABLED=0 go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nENV TZ=Europe/Berlin',
  good: 'RUN CGO_ENABLED=0 go build -tags timetzdata -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nENV TZ=Europe/Berlin',
  check(ctx) {
    const { model } = ctx;
    const final = model.final;
    if (final?.base?.zoneinfo !== false || exportsFiles(final)) return;
    const instrs = chainInstrs(final);
    if (instrs.some((i) => (isCopy(i) && mentions(i.words.map((w) => w.value), ['zoneinfo', 'localtime'])) || (i.keyword === 'ENV' && i.props.some((p) => p.name === 'ZONEINFO')))) return;
    if (goBuilds(model).some((b) => b.flags.tags.includes('timetzdata'))) return;
    if (model.lines.some((l) => l.includes('time/tzdata') || l.includes('timetzdata'))) return;
    const why = evidence(model);
    if (!why) return;
    ctx.report(final.from.span, `the final stage on scratch has no time zone data, yet ${why.what}: time.LoadLocation fails with "unknown time zone" and TZ is ignored`, 'go build -tags timetzdata ...');
  },
});
