import { df, ruleCases } from './rulecases.js';

ruleCases('GS306', {
  options: { trustedRegistries: ['registry.example.com'] },
  catches: [
    { name: 'Docker Hub image', dockerfile: df('FROM golang:1.23'), lines: [1] },
    { name: 'other registry', dockerfile: df('FROM ghcr.io/org/base:1'), lines: [1] },
    { name: 'COPY --from an external image', dockerfile: df('FROM registry.example.com/golang:1.23', 'COPY --from=quay.io/org/tool:1 /tool /tool'), lines: [2] },
  ],
  passes: [
    { name: 'trusted registry', dockerfile: df('FROM registry.example.com/library/golang:1.23 AS b', 'FROM b') },
    { name: 'scratch', dockerfile: df('FROM scratch') },
    { name: 'ARG without default', dockerfile: df('ARG BASE', 'FROM ${BASE}') },
  ],
});

ruleCases('GS306', {
  catches: [],
  passes: [
    { name: 'no trusted registries configured', dockerfile: df('FROM golang:1.23') },
    { name: 'no trusted registries configured, other host', dockerfile: df('FROM ghcr.io/org/base:1') },
    { name: 'no trusted registries configured, quay', dockerfile: df('FROM quay.io/org/base:1') },
  ],
});
