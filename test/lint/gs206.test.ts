import { df, ruleCases } from './rulecases.js';

ruleCases('GS206', {
  catches: [
    { name: 'binary copied, no command', dockerfile: df('FROM golang:1.23 AS b', 'FROM scratch', 'COPY --from=b /app /app', 'USER 1:1'), lines: [2] },
    { name: 'command only in the builder', dockerfile: df('FROM golang:1.23 AS b', 'ENTRYPOINT ["/go/bin/app"]', 'FROM scratch', 'COPY --from=b /app /app'), lines: [3] },
    { name: 'final stage on a scratch stage without a command', dockerfile: df('FROM scratch AS base', 'COPY app /app', 'FROM base', 'USER 1'), lines: [3] },
    { name: 'distroless sets no command', dockerfile: df('FROM gcr.io/distroless/static-debian12', 'COPY app /app', 'USER 65532'), lines: [1], message: /distroless\/static-debian12 has no ENTRYPOINT or CMD/ },
  ],
  passes: [
    { name: 'ENTRYPOINT', dockerfile: df('FROM scratch', 'ENTRYPOINT ["/app"]') },
    { name: 'CMD only', dockerfile: df('FROM scratch', 'CMD ["/app"]') },
    { name: 'inherited from the scratch parent stage', dockerfile: df('FROM scratch AS base', 'ENTRYPOINT ["/app"]', 'FROM base', 'USER 1') },
    { name: 'distro final stage has its own default', dockerfile: df('FROM alpine:3.20', 'COPY app /app') },
    { name: 'an artifact export stage (docker build --output)', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -o /out/app .', 'FROM scratch AS binaries', 'COPY --from=b /out/app /') },
  ],
});
