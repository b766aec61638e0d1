import { df, ruleCases } from './rulecases.js';

ruleCases('GS102', {
  catches: [
    { name: 'go env -w GOARCH', dockerfile: df('FROM golang:1.23-alpine AS b', 'RUN go env -w GOARCH=arm64', 'RUN go build -o /app .'), lines: [2] },
    { name: 'GOOS and GOARCH prefixes (the seed)', dockerfile: df('FROM golang:1.23', 'RUN GOOS=linux GOARCH=amd64 go build -o /app .'), lines: [2], message: /has GOARCH=amd64 hard-coded/ },
    { name: 'ENV GOARCH in a base stage', dockerfile: df('FROM golang:1.23 AS base', 'ENV GOARCH=arm64', 'FROM base', 'RUN go build -o /app .'), lines: [4] },
    { name: 'export in the same RUN', dockerfile: df('FROM golang:1.23', 'RUN export GOARCH=amd64; go install ./cmd/app'), lines: [2] },
    { name: 'a non-Linux GOOS', dockerfile: df('FROM golang:1.23', 'RUN GOOS=darwin go build -o /app .'), lines: [2] },
    { name: 'GOARCH hard-coded next to $TARGETARCH: no fix that repeats the line', dockerfile: df('FROM golang:1.23', 'ARG TARGETARCH', 'RUN GOARCH=amd64 go build -o /app . && echo $TARGETARCH'), lines: [3], fix: /^$/ },
    { name: 'from an ARG that is not a platform argument', dockerfile: df('FROM golang:1.23 AS b', 'ARG ARCH=amd64', 'RUN GOARCH=$ARCH go build -o /out/app .', 'FROM scratch', 'COPY --from=b /out/app /app'), lines: [3] },
  ],
  passes: [
    { name: 'go env -w of other settings', dockerfile: df('FROM golang:1.23-alpine AS b', 'RUN go env -w GOPROXY=direct GOFLAGS=-mod=mod') },
    { name: 'from TARGETOS/TARGETARCH', dockerfile: df('FROM golang:1.23', 'ARG TARGETOS TARGETARCH', 'RUN GOOS=$TARGETOS GOARCH=${TARGETARCH} go build -o /app .') },
    { name: 'not set at all', dockerfile: df('FROM golang:1.23', 'RUN go build -o /app .') },
    { name: 'GOARCH set for a different command only', dockerfile: df('FROM golang:1.23', 'RUN GOARCH=amd64 go env GOARCH && go build -o /app .') },
    { name: 'ENV GOARCH in an unrelated stage', dockerfile: df('FROM golang:1.23 AS tools', 'ENV GOARCH=amd64', 'FROM golang:1.23', 'RUN go build -o /app .') },
    // A default on the platform ARG is GS103's finding; GS102 does not repeat it or suggest the text already there.
    { name: 'GOARCH=$TARGETARCH with ARG TARGETARCH=amd64', dockerfile: df('FROM golang:1.23 AS b', 'ARG TARGETOS=linux', 'ARG TARGETARCH=amd64', 'RUN GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -o /out/app .', 'FROM scratch', 'COPY --from=b /out/app /app') },
    { name: 'GOOS=linux alone', dockerfile: df('FROM golang:1.23', 'RUN CGO_ENABLED=0 GOOS=linux go build -o /app .') },
    { name: 'GOOS=${TARGETOS:-linux}', dockerfile: df('FROM golang:1.23', 'ARG TARGETOS TARGETARCH', 'RUN GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} go build -o /app .') },
    { name: 'hard-coded in a build that does not ship', dockerfile: df('FROM golang:1.23 AS gen', 'RUN GOARCH=amd64 go build -o /gen ./tools/gen', 'FROM golang:1.23 AS b', 'ARG TARGETARCH', 'RUN GOARCH=$TARGETARCH go build -o /app .', 'FROM scratch', 'COPY --from=b /app /app') },
  ],
});
