import { df, ruleCases } from './rulecases.js';

ruleCases('GS101', {
  catches: [
    { name: 'no CGO_ENABLED at all', dockerfile: df('FROM golang:1.23 AS build', 'RUN go build -o /out/app .', 'FROM scratch', 'COPY --from=build /out/app /app'), lines: [2] },
    { name: 'CGO_ENABLED=1 explicitly', dockerfile: df('FROM golang:1.23 AS build', 'ENV CGO_ENABLED=1', 'RUN go build -o /out/app .', 'FROM scratch', 'COPY --from=build /out/app /app'), lines: [3] },
    { name: 'final stage built on a scratch stage, copied by index', dockerfile: df('FROM golang:1.23', 'RUN go build -o /out/app .', 'FROM scratch AS base', 'FROM base', 'COPY --from=0 /out/app /app'), lines: [2] },
    { name: 'binary copied from a directory output', dockerfile: df('FROM golang:1.23 AS build', 'WORKDIR /src', 'RUN go build -o bin/ ./cmd/...', 'FROM scratch', 'COPY --from=build /src/bin/api /api'), lines: [3] },
    { name: 'CGO_ENABLED=0 only on go vet, not on the build', dockerfile: df('FROM golang:1.23 AS build', 'RUN CGO_ENABLED=0 go vet ./... && go build -o /out/app .', 'FROM scratch', 'COPY --from=build /out/app /app') },
  ],
  passes: [
    { name: 'prefix CGO_ENABLED=0', dockerfile: df('FROM golang:1.23 AS build', 'RUN CGO_ENABLED=0 go build -o /out/app .', 'FROM scratch', 'COPY --from=build /out/app /app') },
    { name: 'ENV in the stage the build stage builds on', dockerfile: df('FROM golang:1.23 AS base', 'ENV CGO_ENABLED=0', 'FROM base AS build', 'RUN go build -o /out/app .', 'FROM scratch', 'COPY --from=build /out/app /app') },
    { name: 'export earlier in the same RUN', dockerfile: df('FROM golang:1.23 AS build', 'RUN export CGO_ENABLED=0 && go build -o /out/app .', 'FROM scratch', 'COPY --from=build /out/app /app') },
    { name: 'final stage is not scratch', dockerfile: df('FROM golang:1.23 AS build', 'RUN go build -o /out/app .', 'FROM debian:12-slim', 'COPY --from=build /out/app /app') },
    { name: 'cgo build not copied into the final stage (tests only)', dockerfile: df('FROM golang:1.23 AS build', 'RUN CGO_ENABLED=0 go build -o /out/app .', 'FROM build AS test', 'RUN go build -race -o /out/race .', 'FROM scratch', 'COPY --from=build /out/app /app') },
    { name: 'cgo linked statically', dockerfile: df('FROM golang:1.23 AS build', `RUN go build -ldflags '-linkmode external -extldflags "-static"' -o /out/app .`, 'FROM scratch', 'COPY --from=build /out/app /app') },
  ],
});
