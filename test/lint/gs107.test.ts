import { df, ruleCases } from './rulecases.js';

ruleCases('GS107', {
  catches: [
    { name: 'no cache mount', dockerfile: df('FROM golang:1.23', 'RUN go build -o /app .'), lines: [2] },
    { name: 'module cache only', dockerfile: df('FROM golang:1.23', 'RUN --mount=type=cache,target=/go/pkg/mod go build -o /app .'), lines: [2] },
    { name: 'build cache only', dockerfile: df('FROM golang:1.23', 'RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .'), lines: [2] },
    { name: 'a bind mount is not a cache', dockerfile: df('FROM golang:1.23', 'RUN --mount=type=bind,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build .'), lines: [2] },
    { name: 'a cache on another directory', dockerfile: df('FROM golang:1.23', 'RUN --mount=type=cache,target=/root/.npm --mount=type=cache,target=/go/pkg/mod go build -o /app .'), lines: [2] },
  ],
  passes: [
    { name: 'both default paths', dockerfile: df('FROM golang:1.23', 'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o /app .') },
    { name: 'custom GOCACHE and GOMODCACHE', dockerfile: df('FROM golang:1.23', 'ENV GOCACHE=/cache/build GOMODCACHE=/cache/mod', 'RUN --mount=type=cache,target=/cache/build --mount=type=cache,target=/cache/mod go build .') },
    { name: 'go mod download without cache is not a build', dockerfile: df('FROM golang:1.23', 'RUN go mod download') },
    // A mount on a directory above the cache covers it.
    { name: 'cache mounts at /root/.cache and /go', dockerfile: df('FROM golang:1.23', 'RUN --mount=type=cache,target=/root/.cache --mount=type=cache,target=/go go build -o /app .') },
    { name: 'vendored build needs only the build cache', dockerfile: df('FROM golang:1.23', 'COPY . .', 'RUN --mount=type=cache,target=/root/.cache/go-build go build -mod=vendor -o /app .') },
    { name: 'the uncached build does not ship', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -o /tool ./tools/gen', 'RUN --mount=type=cache,target=/root/.cache --mount=type=cache,target=/go/pkg go build -o /app .', 'FROM scratch', 'COPY --from=b /app /app') },
  ],
});
