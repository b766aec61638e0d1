import { df, ruleCases } from './rulecases.js';

const toScratch = ['FROM scratch', 'COPY --from=build /out/app /app'];

ruleCases('GS101', {
  catches: [
    { name: 'no CGO_ENABLED at all', dockerfile: df('FROM golang:1.23 AS build', 'RUN go build -o /out/app .', ...toScratch), lines: [2] },
    { name: 'CGO_ENABLED=1 explicitly', dockerfile: df('FROM golang:1.23 AS build', 'ENV CGO_ENABLED=1', 'RUN go build -o /out/app .', ...toScratch), lines: [3] },
    { name: 'final stage built on a scratch stage, copied by index', dockerfile: df('FROM golang:1.23', 'RUN go build -o /out/app .', 'FROM scratch AS base', 'FROM base', 'COPY --from=0 /out/app /app'), lines: [2] },
    { name: 'binary copied from a directory output', dockerfile: df('FROM golang:1.23 AS build', 'WORKDIR /src', 'RUN go build -o bin/ ./cmd/...', 'FROM scratch', 'COPY --from=build /src/bin/api /api'), lines: [3] },
    { name: 'CGO_ENABLED=0 only on go vet, not on the build', dockerfile: df('FROM golang:1.23 AS build', 'RUN CGO_ENABLED=0 go vet ./... && go build -o /out/app .', ...toScratch) },
    // The shell model: an assignment that is not exported does not reach go.
    { name: 'CGO_ENABLED=0; go build (assigned, not exported)', dockerfile: df('FROM golang:1.23 AS build', 'RUN CGO_ENABLED=0; go build -o /out/app .', ...toScratch), lines: [2], message: /assigned in the shell but not exported/ },
    { name: 'export inside a subshell ends with it', dockerfile: df('FROM golang:1.23 AS build', 'RUN (export CGO_ENABLED=0) && go build -o /out/app .', ...toScratch), lines: [2] },
    // The build graph: intermediate stages.
    { name: 'cgo binary copied build -> alpine stage -> scratch', dockerfile: df('FROM golang:1.23 AS build', 'RUN go build -o /out/app .', 'FROM alpine:3.20 AS pack', 'COPY --from=build /out/app /usr/local/bin/app', 'RUN chmod 755 /usr/local/bin/app', 'FROM scratch', 'COPY --from=pack /usr/local/bin/app /app'), lines: [2] },
    { name: 'relative -o after cd', dockerfile: df('FROM golang:1.23 AS build', 'WORKDIR /src', 'RUN cd cmd/app && go build -o app .', 'FROM scratch', 'COPY --from=build /src/cmd/app/app /app'), lines: [3] },
    { name: 'binary moved with mv before the copy', dockerfile: df('FROM golang:1.23 AS build', 'WORKDIR /src', 'RUN go build -o app . && mv app /usr/local/bin/', 'FROM scratch', 'COPY --from=build /usr/local/bin/app /app'), lines: [3] },
    // Empty bases other than scratch, named in the message.
    { name: 'distroless static :nonroot has no libc either', dockerfile: df('FROM golang:1.23 AS build', 'RUN go build -o /out/app .', 'FROM gcr.io/distroless/static-debian12:nonroot', 'COPY --from=build /out/app /app'), lines: [2], message: /gcr\.io\/distroless\/static-debian12:nonroot, which has no libc/ },
    { name: 'Chainguard static, pinned by digest', dockerfile: df('FROM golang:1.23 AS build', 'RUN go build -o /out/app .', 'FROM cgr.dev/chainguard/static:latest@sha256:' + 'a'.repeat(64), 'COPY --from=build /out/app /app'), lines: [2] },
    { name: 'runtime image from an ARG default', dockerfile: df('ARG RUNTIME=gcr.io/distroless/static:nonroot', 'FROM golang:1.23 AS build', 'RUN go build -o /out/app .', 'FROM ${RUNTIME}', 'COPY --from=build /out/app /app'), lines: [3] },
  ],
  passes: [
    { name: 'prefix CGO_ENABLED=0', dockerfile: df('FROM golang:1.23 AS build', 'RUN CGO_ENABLED=0 go build -o /out/app .', ...toScratch) },
    { name: 'ENV in the stage the build stage builds on', dockerfile: df('FROM golang:1.23 AS base', 'ENV CGO_ENABLED=0', 'FROM base AS build', 'RUN go build -o /out/app .', ...toScratch) },
    { name: 'export earlier in the same RUN', dockerfile: df('FROM golang:1.23 AS build', 'RUN export CGO_ENABLED=0 && go build -o /out/app .', ...toScratch) },
    { name: 'final stage is not scratch', dockerfile: df('FROM golang:1.23 AS build', 'RUN go build -o /out/app .', 'FROM debian:12-slim', 'COPY --from=build /out/app /app') },
    { name: 'cgo build not copied into the final stage (tests only)', dockerfile: df('FROM golang:1.23 AS build', 'RUN CGO_ENABLED=0 go build -o /out/app .', 'FROM build AS test', 'RUN go build -race -o /out/race .', ...toScratch) },
    { name: 'cgo linked statically', dockerfile: df('FROM golang:1.23 AS build', `RUN go build -ldflags '-linkmode external -extldflags "-static"' -o /out/app .`, ...toScratch) },
    // go env -w writes go's config file: later go commands in the stage see it.
    { name: 'go env -w CGO_ENABLED=0 in an earlier RUN', dockerfile: df('FROM golang:1.23 AS build', 'RUN go env -w CGO_ENABLED=0', 'RUN go build -o /out/app .', ...toScratch) },
    { name: 'go env -w CGO_ENABLED=0 && go build', dockerfile: df('FROM golang:1.23 AS build', 'RUN go env -w CGO_ENABLED=0 && go build -o /out/app .', ...toScratch) },
    { name: 'assigning a variable the environment already has changes it for go', dockerfile: df('FROM golang:1.23 AS build', 'ENV CGO_ENABLED=1', 'RUN CGO_ENABLED=0; go build -o /out/app .', ...toScratch) },
    { name: 'set in a branch: not known here', dockerfile: df('FROM golang:1.23 AS build', 'ARG STATIC', 'RUN if [ -n "$STATIC" ]; then export CGO_ENABLED=0; fi && go build -o /out/app .', ...toScratch) },
    { name: 'sh -c with the prefix', dockerfile: df('FROM golang:1.23 AS build', `RUN sh -c 'CGO_ENABLED=0 go build -o /out/app .'`, ...toScratch) },
    { name: 'distroless base-nossl has glibc', dockerfile: df('FROM golang:1.23 AS build', 'RUN go build -o /out/app .', 'FROM gcr.io/distroless/base-nossl-debian12', 'COPY --from=build /out/app /app') },
    { name: 'the cgo binary goes to an alpine image only', dockerfile: df('FROM golang:1.23-alpine AS build', 'RUN apk add gcc musl-dev && go build -o /out/app .', 'FROM alpine:3.20 AS run', 'COPY --from=build /out/app /app', 'FROM scratch AS assets', 'COPY --from=build /etc/ssl/certs /etc/ssl/certs', 'FROM run') },
  ],
});
