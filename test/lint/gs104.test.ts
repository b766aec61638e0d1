import { df, ruleCases } from './rulecases.js';

ruleCases('GS104', {
  catches: [
    { name: 'plain go build', dockerfile: df('FROM golang:1.23', 'RUN go build -o /app .'), lines: [2] },
    { name: 'go install', dockerfile: df('FROM golang:1.23', 'RUN go install ./cmd/app'), lines: [2] },
    { name: 'exec-form RUN', dockerfile: df('FROM golang:1.23', 'RUN ["go", "build", "-o", "/app", "."]'), lines: [2] },
    { name: 'only one of two builds', dockerfile: df('FROM golang:1.23', 'RUN go build -trimpath -o /a ./a && go build -o /b ./b'), lines: [2] },
    { name: 'a pinned tool copied into the final image ships', dockerfile: df('FROM golang:1.23 AS b', 'RUN go install github.com/grpc-ecosystem/grpc-health-probe@v0.4.24', 'FROM scratch', 'COPY --from=b /go/bin/grpc-health-probe /bin/'), lines: [2] },
  ],
  passes: [
    { name: '-trimpath given', dockerfile: df('FROM golang:1.23', 'RUN go build -trimpath -o /app .') },
    { name: 'GOFLAGS=-trimpath in ENV', dockerfile: df('FROM golang:1.23', 'ENV GOFLAGS=-trimpath', 'RUN go build -o /app .') },
    { name: '--trimpath with two dashes', dockerfile: df('FROM golang:1.23', 'RUN go build --trimpath -o /app .') },
    { name: 'no build at all', dockerfile: df('FROM golang:1.23', 'RUN go mod download && go test ./...') },
    // Only binaries that ship.
    { name: 'go install tool@v1.2.3 (a code generator)', dockerfile: df('FROM golang:1.23 AS b', 'RUN go install github.com/swaggo/swag/cmd/swag@v1.16.3 && swag init', 'RUN CGO_ENABLED=0 go build -trimpath -o /app .', 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'a stage no COPY --from reads', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -trimpath -o /app .', 'FROM golang:1.23 AS bench', 'RUN go build -o /bench ./cmd/bench', 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'a dev stage', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -trimpath -o /app .', 'FROM golang:1.23 AS dev', 'RUN go install github.com/air-verse/air@v1.63.6', 'CMD ["air"]', 'FROM alpine:3.20', 'COPY --from=b /app /app') },
    { name: 'the last stage is a dev stage: the production stage ships', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -trimpath -o /app .', 'FROM scratch AS prod', 'COPY --from=b /app /app', 'FROM b AS dev', 'RUN go install github.com/air-verse/air@v1.63.6') },
    { name: 'dependencies pre-built to warm the cache', dockerfile: df('FROM golang:1.23 AS b', 'WORKDIR /src', 'COPY go.mod go.sum ./', 'RUN go install golang.org/x/crypto/ssh github.com/coder/websocket', 'COPY . .', 'RUN go install -trimpath ./cmd/app', 'FROM alpine:3.20', 'COPY --from=b /go/bin/* /usr/local/bin/') },
  ],
});
