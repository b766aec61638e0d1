import { df, ruleCases } from './rulecases.js';

ruleCases('GS201', {
  catches: [
    { name: 'shell-form ENTRYPOINT', dockerfile: df('FROM scratch', 'COPY app /app', 'ENTRYPOINT /app --serve'), lines: [3] },
    { name: 'single-quoted JSON CMD falls back to shell form', dockerfile: df('FROM scratch', 'COPY app /app', "CMD ['/app']"), lines: [3] },
    { name: 'shell-form HEALTHCHECK CMD', dockerfile: df('FROM scratch', 'COPY app /app', 'HEALTHCHECK --interval=5s CMD /app -health', 'ENTRYPOINT ["/app"]'), lines: [3] },
    { name: 'inherited from a scratch stage', dockerfile: df('FROM scratch AS base', 'CMD /app', 'FROM base', 'COPY app /app'), lines: [2] },
    { name: 'shell-form CMD on distroless static :nonroot', dockerfile: df('FROM gcr.io/distroless/static:nonroot', 'COPY app /app', 'CMD /app --serve'), lines: [3], message: /final stage on gcr\.io\/distroless\/static:nonroot does not have/ },
    { name: 'shell-form ENTRYPOINT on distroless base-nossl', dockerfile: df('FROM gcr.io/distroless/base-nossl-debian12', 'ENTRYPOINT /app'), lines: [2] },
    { name: 'shell-form CMD on Chainguard static', dockerfile: df('FROM cgr.dev/chainguard/static', 'CMD /app'), lines: [2] },
  ],
  passes: [
    { name: 'exec form', dockerfile: df('FROM scratch', 'COPY app /app', 'ENTRYPOINT ["/app"]', 'CMD ["--serve"]', 'HEALTHCHECK CMD ["/app", "-health"]') },
    { name: 'shell form in a builder stage', dockerfile: df('FROM golang:1.23 AS b', 'CMD go run .', 'FROM scratch', 'ENTRYPOINT ["/app"]') },
    { name: 'shell-form CMD overridden by an exec-form one in the final stage', dockerfile: df('FROM scratch AS base', 'CMD /app', 'FROM base', 'CMD ["/app"]') },
    { name: 'HEALTHCHECK NONE', dockerfile: df('FROM scratch', 'HEALTHCHECK NONE', 'ENTRYPOINT ["/app"]') },
    { name: 'final stage is a distro image', dockerfile: df('FROM alpine:3.20', 'ENTRYPOINT /app') },
    { name: 'distroless :debug has a busybox shell', dockerfile: df('FROM gcr.io/distroless/static:debug', 'CMD /app') },
    { name: 'a shell and its loader copied into scratch', dockerfile: df('FROM alpine:3.20 AS b', 'FROM scratch', 'COPY --from=b /bin/sh /bin/', 'COPY --from=b /lib/ld-musl-x86_64.so.1 /lib/', 'CMD /app') },
  ],
});
