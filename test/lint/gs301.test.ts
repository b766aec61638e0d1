import { df, ruleCases } from './rulecases.js';

ruleCases('GS301', {
  catches: [
    { name: 'no USER', dockerfile: df('FROM scratch', 'COPY app /app', 'ENTRYPOINT ["/app"]'), lines: [1] },
    { name: 'USER in the builder does not count', dockerfile: df('FROM golang:1.23 AS b', 'USER 10001', 'FROM scratch', 'COPY --from=b /app /app'), lines: [3] },
    { name: 'USER root', dockerfile: df('FROM alpine:3.20', 'USER 10001', 'USER root'), lines: [3] },
    { name: 'USER 0:0', dockerfile: df('FROM alpine:3.20', 'USER 0:0'), lines: [2] },
  ],
  passes: [
    { name: 'numeric non-root', dockerfile: df('FROM scratch', 'USER 10001:10001') },
    { name: 'USER inherited from a parent stage', dockerfile: df('FROM scratch AS base', 'USER 10001', 'FROM base', 'COPY app /app') },
    { name: 'distroless nonroot base', dockerfile: df('FROM gcr.io/distroless/static-debian12:nonroot', 'COPY app /app') },
    { name: 'root in the builder, non-root in the final stage', dockerfile: df('FROM golang:1.23 AS b', 'USER root', 'FROM scratch', 'USER 65534') },
  ],
});
