import { df, ruleCases } from './rulecases.js';

ruleCases('GS104', {
  catches: [
    { name: 'plain go build', dockerfile: df('FROM golang:1.23', 'RUN go build -o /app .'), lines: [2] },
    { name: 'go install', dockerfile: df('FROM golang:1.23', 'RUN go install ./cmd/app'), lines: [2] },
    { name: 'exec-form RUN', dockerfile: df('FROM golang:1.23', 'RUN ["go", "build", "-o", "/app", "."]'), lines: [2] },
    { name: 'only one of two builds', dockerfile: df('FROM golang:1.23', 'RUN go build -trimpath -o /a ./a && go build -o /b ./b'), lines: [2] },
  ],
  passes: [
    { name: '-trimpath given', dockerfile: df('FROM golang:1.23', 'RUN go build -trimpath -o /app .') },
    { name: 'GOFLAGS=-trimpath in ENV', dockerfile: df('FROM golang:1.23', 'ENV GOFLAGS=-trimpath', 'RUN go build -o /app .') },
    { name: '--trimpath with two dashes', dockerfile: df('FROM golang:1.23', 'RUN go build --trimpath -o /app .') },
    { name: 'no build at all', dockerfile: df('FROM golang:1.23', 'RUN go mod download && go test ./...') },
  ],
});
