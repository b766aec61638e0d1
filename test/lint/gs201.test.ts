import { df, ruleCases } from './rulecases.js';

ruleCases('GS201', {
  catches: [
    { name: 'shell-form ENTRYPOINT', dockerfile: df('FROM scratch', 'COPY app /app', 'ENTRYPOINT /app --serve'), lines: [3] },
    { name: 'single-quoted JSON CMD falls back to shell form', dockerfile: df('FROM scratch', 'COPY app /app', "CMD ['/app']"), lines: [3] },
    { name: 'shell-form HEALTHCHECK CMD', dockerfile: df('FROM scratch', 'COPY app /app', 'HEALTHCHECK --interval=5s CMD /app -health', 'ENTRYPOINT ["/app"]'), lines: [3] },
    { name: 'inherited from a scratch stage', dockerfile: df('FROM scratch AS base', 'CMD /app', 'FROM base', 'COPY app /app'), lines: [2] },
  ],
  passes: [
    { name: 'exec form', dockerfile: df('FROM scratch', 'COPY app /app', 'ENTRYPOINT ["/app"]', 'CMD ["--serve"]', 'HEALTHCHECK CMD ["/app", "-health"]') },
    { name: 'shell form in a builder stage', dockerfile: df('FROM golang:1.23 AS b', 'CMD go run .', 'FROM scratch', 'ENTRYPOINT ["/app"]') },
    { name: 'shell-form CMD overridden by an exec-form one in the final stage', dockerfile: df('FROM scratch AS base', 'CMD /app', 'FROM base', 'CMD ["/app"]') },
    { name: 'HEALTHCHECK NONE', dockerfile: df('FROM scratch', 'HEALTHCHECK NONE', 'ENTRYPOINT ["/app"]') },
    { name: 'final stage is a distro image', dockerfile: df('FROM alpine:3.20', 'ENTRYPOINT /app') },
  ],
});
