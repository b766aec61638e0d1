import { df, ruleCases } from './rulecases.js';

ruleCases('GS301', {
  catches: [
    { name: 'no USER', dockerfile: df('FROM scratch', 'COPY app /app', 'ENTRYPOINT ["/app"]'), lines: [1] },
    { name: 'USER in the builder does not count', dockerfile: df('FROM golang:1.23 AS b', 'USER 10001', 'FROM scratch', 'COPY --from=b /app /app'), lines: [3] },
    { name: 'USER root', dockerfile: df('FROM alpine:3.20', 'USER 10001', 'USER root'), lines: [3] },
    { name: 'USER 0:0', dockerfile: df('FROM alpine:3.20', 'USER 0:0'), lines: [2] },
    { name: 'distroless without :nonroot runs as root', dockerfile: df('FROM gcr.io/distroless/static-debian12', 'COPY app /app'), lines: [1] },
  ],
  passes: [
    { name: 'numeric non-root', dockerfile: df('FROM scratch', 'USER 10001:10001') },
    { name: 'USER inherited from a parent stage', dockerfile: df('FROM scratch AS base', 'USER 10001', 'FROM base', 'COPY app /app') },
    { name: 'distroless nonroot base', dockerfile: df('FROM gcr.io/distroless/static-debian12:nonroot', 'COPY app /app') },
    { name: 'root in the builder, non-root in the final stage', dockerfile: df('FROM golang:1.23 AS b', 'USER root', 'FROM scratch', 'USER 65534') },
    { name: 'Chainguard static runs as nonroot (65532) by default', dockerfile: df('FROM cgr.dev/chainguard/static:latest', 'COPY app /app', 'ENTRYPOINT ["/app"]') },
    { name: 'entrypoint drops privileges with su-exec', dockerfile: df('FROM alpine:3.20', 'RUN apk add --no-cache su-exec', 'COPY entrypoint.sh /', 'ENTRYPOINT ["/entrypoint.sh"]') },
    { name: 'a base image of unknown content may set its own USER', dockerfile: df('FROM ghcr.io/example/runtime:1.2', 'COPY app /app') },
    { name: 'an artifact export stage', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -o /out/app .', 'FROM scratch AS export-stage', 'COPY --from=b /out/app /') },
  ],
});
