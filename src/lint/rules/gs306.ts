import { registryOf } from '../facts.js';
import { defineRule } from '../rule.js';
import { hasVariable } from '../shell.js';

export default defineRule({
  id: 'GS306',
  severity: 'warning',
  title: 'Base image from a registry that is not trusted',
  what: 'When `lint.trustedRegistries` is set in goscratch.yaml (or `--trusted-registry` is given), a FROM or `COPY --from` names an image from another registry. Images without a registry host come from docker.io.',
  why: 'Teams that mirror or vet base images want every build to pull from their own registry; an image from anywhere else bypasses that review and fails where Docker Hub is unreachable or rate-limited (`toomanyrequests`).',
  fix: 'Pull the image through a trusted registry (`registry.example.com/library/golang:1.23`), or add the registry to `lint.trustedRegistries`.',
  bad: 'FROM golang:1.23 AS build   # with trustedRegistries: [registry.example.com]',
  good: 'FROM registry.example.com/library/golang:1.23 AS build',
  equivalents: { hadolint: 'DL3026' },
  check(ctx) {
    const trusted = ctx.trustedRegistries.map((r) => r.toLowerCase());
    if (trusted.length === 0) return;
    const check = (image: string, span: Parameters<typeof ctx.report>[0]): void => {
      if (image === '' || image.toLowerCase() === 'scratch' || hasVariable(image)) return;
      const registry = registryOf(image);
      if (!trusted.includes(registry)) ctx.report(span, `image ${image} comes from ${registry}, which is not a trusted registry (${trusted.join(', ')})`, `pull ${image} through ${trusted[0]}`);
    };
    for (const stage of ctx.model.stages) {
      if (!stage.parent) check(stage.image, stage.from.words[0]?.span ?? stage.from.span);
      for (const instr of stage.instrs) {
        const from = instr.flags.find((f) => f.name === 'from')?.value;
        if (from && /[:/@]/.test(from)) check(from, instr.span);
      }
    }
  },
});
