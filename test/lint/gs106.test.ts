import { df, ruleCases } from './rulecases.js';

ruleCases('GS106', {
  catches: [
    { name: 'COPY . . then go mod download (the seed)', dockerfile: df('FROM golang:1.23', 'WORKDIR /src', 'COPY . .', 'RUN go mod download'), lines: [3] },
    { name: 'ADD . /src', dockerfile: df('FROM golang:1.23', 'ADD . /src', 'RUN cd /src && go mod download'), lines: [2] },
    { name: 'COPY ./ with flags', dockerfile: df('FROM golang:1.23', 'COPY --link ./ /src/', 'RUN --mount=type=cache,target=/go/pkg/mod go mod download'), lines: [2] },
  ],
  passes: [
    { name: 'go.mod first, sources after', dockerfile: df('FROM golang:1.23', 'COPY go.mod go.sum ./', 'RUN go mod download', 'COPY . .', 'RUN go build .') },
    { name: 'COPY . . in another stage', dockerfile: df('FROM alpine:3.20 AS assets', 'COPY . .', 'FROM golang:1.23', 'COPY go.mod ./', 'RUN go mod download') },
    { name: 'COPY --from=stage . .', dockerfile: df('FROM golang:1.23 AS src', 'FROM golang:1.23', 'COPY --from=src . .', 'RUN go mod download') },
    { name: 'no go mod download at all', dockerfile: df('FROM golang:1.23', 'COPY . .', 'RUN go build .') },
  ],
});
