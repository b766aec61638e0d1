import { df, ruleCases } from './rulecases.js';

ruleCases('GS108', {
  catches: [
    { name: 'go install @latest', dockerfile: df('FROM golang:1.23-alpine', 'RUN go install github.com/go-delve/delve/cmd/dlv@latest'), lines: [2] },
    { name: 'go install without version', dockerfile: df('FROM golang:1.23', 'RUN go install github.com/go-delve/delve/cmd/dlv'), lines: [2] },
    { name: 'go get without version', dockerfile: df('FROM golang:1.23', 'RUN go get -u golang.org/x/tools/cmd/stringer'), lines: [2] },
    { name: 'go run of a remote module', dockerfile: df('FROM golang:1.23', 'RUN go run github.com/a-h/templ/cmd/templ generate'), lines: [2] },
    { name: 'go get in a module still floats', dockerfile: df('FROM golang:1.23', 'COPY go.mod go.sum ./', 'RUN go get github.com/a/b'), lines: [3] },
    { name: 'many go gets: one finding for the instruction', dockerfile: df('FROM golang:1.10', 'RUN go get github.com/a/x && go get github.com/b/y && go get github.com/c/z && go get github.com/d/w'), lines: [2], message: /github\.com\/a\/x, github\.com\/b\/y, github\.com\/c\/z and 1 more/ },
  ],
  passes: [
    { name: 'pinned version', dockerfile: df('FROM golang:1.23', 'RUN go install github.com/go-delve/delve/cmd/dlv@v1.23.1') },
    { name: 'local package', dockerfile: df('FROM golang:1.23', 'RUN go install ./cmd/app && go run . && go get ./...') },
    { name: 'a fixed version for go run', dockerfile: df('FROM golang:1.23', 'RUN go run golang.org/x/tools/cmd/stringer@v0.24.0 -type=Kind') },
    // Inside the module, go install takes the version go.mod pins.
    { name: 'go install of a dependency after COPY go.mod', dockerfile: df('FROM golang:1.23', 'WORKDIR /src', 'COPY go.mod go.sum ./', 'RUN go install golang.org/x/crypto/ssh github.com/coder/websocket') },
    { name: 'go run of a tool the module requires', dockerfile: df('FROM golang:1.23', 'WORKDIR /src', 'COPY . .', 'RUN go run github.com/a-h/templ/cmd/templ generate') },
    { name: 'the project itself in GOPATH', dockerfile: df('FROM golang:1.10', 'COPY . /go/src/github.com/me/app', 'RUN go get -d -v github.com/me/app && go install github.com/me/app') },
  ],
});
