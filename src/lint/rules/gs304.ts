import { defineRule } from '../rule.js';
import { hasVariable } from '../shell.js';

/** Tag words that move to a new release without the tag changing. */
const FLOATING = new Set(['latest', 'alpine', 'slim', 'edge', 'stable', 'lts', 'current', 'mainline', 'rolling', 'nightly', 'main', 'master', 'dev', 'unstable', 'testing', 'sid', 'beta', 'rc']);

/** Images whose tag names the toolchain version (`golang:1.23-bookworm`, not `golang:bookworm`). */
const TOOLCHAINS = new Set(['golang', 'node', 'python', 'rust', 'ruby', 'openjdk', 'eclipse-temurin', 'php', 'gradle', 'maven']);

/** Why an image reference is not pinned, or undefined when it is. */
function unpinned(image: string): string | undefined {
  if (image.includes('@sha256:')) return undefined;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon < 0) return 'has no tag, so it means :latest';
  const tag = last.slice(colon + 1);
  if (tag === 'latest') return 'uses :latest';
  if (/\d/.test(tag)) return undefined;
  const repo = last.slice(0, colon).toLowerCase();
  // A distribution codename pins a release line; on a toolchain image it leaves the toolchain floating.
  if (tag.split(/[-_.]/).every((p) => FLOATING.has(p)) || TOOLCHAINS.has(repo)) return `has the tag :${tag}, which names no version`;
  return undefined;
}

export default defineRule({
  id: 'GS304',
  severity: 'warning',
  title: 'Base image without a version tag or digest',
  what: 'A FROM names an image without a tag, with `:latest`, or with a tag that names no version (`golang:alpine`).',
  why: 'The image behind the tag changes without notice: a new Go release or Alpine version lands in your build unannounced, builds stop being reproducible, and a cached layer and a fresh build can differ.',
  fix: 'Pin a version (`golang:1.23-alpine`), ideally with a digest (`golang:1.23-alpine@sha256:...`).',
  bad: 'FROM golang:alpine AS build',
  good: 'FROM golang:1.23-alpine AS build',
  equivalents: { hadolint: 'DL3006/DL3007', trivy: 'DS001' },
  check(ctx) {
    for (const stage of ctx.model.stages) {
      const image = stage.image;
      if (image === '' || image.toLowerCase() === 'scratch' || stage.parent || hasVariable(image)) continue;
      const why = unpinned(image);
      const word = stage.from.words[0];
      if (why && word) ctx.report(word.span, `base image ${image} ${why}: builds are not reproducible`, `FROM ${image.replace(/:[^:/]*$/, '')}:<version>`);
    }
  },
});
