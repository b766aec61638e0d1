import { df, ruleCases } from './rulecases.js';

ruleCases('GS108', {
  catches: [
    { name: 'go install @latest', dockerfile: df('FROM golang:1.23-alpine', 'RUN go install github.com/go-delve/delve/cmd/dlv@latest'), lines: [2] },
    { name: 'go install without version', dockerfile: df('FROM golang:1.23', 'RUN go install github.com/go-delve/delve/cmd/dlv'), lines: [2] },
    { name: 'go get without version', dockerfile: df('FROM golang:1.23', 'RUN go get -u golang.org/x/tools/cmd/stringer'), lines: [2] },
    { name: 'go run of a remote module', dockerfile: df('FROM golang:1.23', 'RUN go run github.com/a-h/templ/cmd/templ generate'), lines: [2] },
  ],
  passes: [
    { name: 'pinned version', dockerfile: df('FROM golang:1.23', 'RUN go install github.com/go-delve/delve/cmd/dlv@v1.23.1') },
    { name: 'local package', dockerfile: df('FROM golang:1.23', 'RUN go install ./cmd/app && go run . && go get ./...') },
    { name: '@latest is still a version query (GS108 is about none)', dockerfile: df('FROM golang:1.23', 'RUN go run golang.org/x/tools/cmd/stringer@v0.24.0 -type=Kind') },
  ],
});
