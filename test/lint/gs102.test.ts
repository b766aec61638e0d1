import { df, ruleCases } from './rulecases.js';

ruleCases('GS102', {
  catches: [
    { name: 'go env -w GOARCH', dockerfile: df('FROM golang:1.23-alpine AS b', 'RUN go env -w GOARCH=arm64', 'RUN go build -o /app .'), lines: [2] },
    { name: 'GOOS and GOARCH prefixes (the seed)', dockerfile: df('FROM golang:1.23', 'RUN GOOS=linux GOARCH=amd64 go build -o /app .'), lines: [2] },
    { name: 'ENV GOARCH in a base stage', dockerfile: df('FROM golang:1.23 AS base', 'ENV GOARCH=arm64', 'FROM base', 'RUN go build -o /app .'), lines: [4] },
    { name: 'export in the same RUN', dockerfile: df('FROM golang:1.23', 'RUN export GOARCH=amd64; go install ./cmd/app'), lines: [2] },
  ],
  passes: [
    { name: 'go env -w of other settings', dockerfile: df('FROM golang:1.23-alpine AS b', 'RUN go env -w GOPROXY=direct GOFLAGS=-mod=mod') },
    { name: 'from TARGETOS/TARGETARCH', dockerfile: df('FROM golang:1.23', 'ARG TARGETOS TARGETARCH', 'RUN GOOS=$TARGETOS GOARCH=${TARGETARCH} go build -o /app .') },
    { name: 'not set at all', dockerfile: df('FROM golang:1.23', 'RUN go build -o /app .') },
    { name: 'GOARCH set for a different command only', dockerfile: df('FROM golang:1.23', 'RUN GOARCH=amd64 go env GOARCH && go build -o /app .') },
    { name: 'ENV GOARCH in an unrelated stage', dockerfile: df('FROM golang:1.23 AS tools', 'ENV GOARCH=amd64', 'FROM golang:1.23', 'RUN go build -o /app .') },
  ],
});
