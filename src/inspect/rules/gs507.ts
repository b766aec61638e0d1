import { buildSetting } from '../../binary/buildinfo.js';
import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS507',
  severity: 'info',
  title: 'time.LoadLocation linked without zoneinfo',
  help: 'The binary calls time.LoadLocation but the image has no zoneinfo database and the binary does not embed time/tzdata, so every zone but UTC fails to load. Import _ "time/tzdata" or build with -tags timetzdata.',
  check(ctx) {
    const { image, binary } = ctx;
    const linked = binary?.linked;
    if (!image || !linked?.loadLocation || linked.tzdata || image.zoneinfo) return;
    const tags = binary?.go ? (buildSetting(binary.go, '-tags') ?? '').split(',') : [];
    if (tags.includes('timetzdata')) return;
    ctx.report('the binary calls time.LoadLocation, but the image has no zoneinfo (/usr/share/zoneinfo) and the binary does not embed time/tzdata: loading any zone but UTC and Local fails',
      'import _ "time/tzdata" in package main, or build with -tags timetzdata');
  },
});
