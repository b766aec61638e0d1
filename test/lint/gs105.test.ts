import { df, ruleCases } from './rulecases.js';

ruleCases('GS105', {
  catches: [
    { name: 'no -ldflags', dockerfile: df('FROM golang:1.23', 'RUN go build -o /app .'), lines: [2] },
    { name: 'only -s', dockerfile: df('FROM golang:1.23', 'RUN go build -ldflags=-s -o /app .'), lines: [2] },
    // The fix keeps the -X flags the user already passes.
    { name: 'only -X in ldflags', dockerfile: df('FROM golang:1.23', 'RUN go build -ldflags "-X main.version=1" -o /app .'), lines: [2], fix: /add -s -w to the -ldflags value/ },
    { name: '-s -w passed to go build itself, not to the linker', dockerfile: df('FROM golang:1.23', 'RUN go build -s -w -o /app .'), lines: [2] },
  ],
  passes: [
    { name: '-ldflags="-s -w"', dockerfile: df('FROM golang:1.23', 'RUN go build -ldflags="-s -w" -o /app .') },
    { name: 'order -w -s (the seed) with -X', dockerfile: df('FROM golang:1.23', "RUN go build -ldflags '-w -s -X main.v=1' -o /app .") },
    { name: 'ldflags in GOFLAGS', dockerfile: df('FROM golang:1.23', 'ENV GOFLAGS="-ldflags=-s -ldflags=-w"', 'RUN go build -ldflags="-s -w" -o /app .') },
    { name: 'not a build', dockerfile: df('FROM golang:1.23', 'RUN go vet ./...') },
    // A package pattern before the value.
    { name: '-ldflags=all="-s -w"', dockerfile: df('FROM golang:1.23', 'RUN go build -ldflags=all="-s -w" -o /app .') },
    { name: '-ldflags=all=-s\\ -w', dockerfile: df('FROM golang:1.23', 'RUN go build -ldflags=all=-s\\ -w -o /app .') },
    { name: '-ldflags "all=-s -w -X main.v=1"', dockerfile: df('FROM golang:1.23', 'RUN go build -ldflags "all=-s -w -X main.v=1" -o /app .') },
    { name: '$(...) with quotes inside the double-quoted value', dockerfile: df('FROM golang:1.23', 'RUN go build -ldflags="-s -w -X main.v=$(git describe --tags --match "v*")" -o /app .') },
  ],
});
