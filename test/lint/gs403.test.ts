import { df, ruleCases } from './rulecases.js';

ruleCases('GS403', {
  catches: [
    { name: 'COPY --from a misspelled stage', dockerfile: df('FROM golang:1.23 AS build', 'FROM scratch', 'COPY --from=builder /app /app'), lines: [3] },
    { name: 'COPY --from a later stage', dockerfile: df('FROM scratch', 'COPY --from=build /app /app', 'FROM golang:1.23 AS build'), lines: [2] },
    { name: 'COPY --from an index that does not exist', dockerfile: df('FROM golang:1.23', 'FROM scratch', 'COPY --from=2 /app /app'), lines: [3] },
    { name: 'duplicate stage names (case-insensitive)', dockerfile: df('FROM golang:1.23 AS build', 'FROM golang:1.23 AS Build'), lines: [2] },
    { name: 'reserved name', dockerfile: df('FROM golang:1.23 AS scratch'), lines: [1] },
    { name: 'RUN --mount from an unknown stage', dockerfile: df('FROM golang:1.23', 'RUN --mount=type=bind,from=deps,target=/d ls /d'), lines: [2] },
  ],
  passes: [
    { name: 'earlier stage by name and index', dockerfile: df('FROM golang:1.23 AS build', 'FROM scratch', 'COPY --from=build /a /a', 'COPY --from=0 /b /b') },
    { name: 'external image', dockerfile: df('FROM scratch', 'COPY --from=busybox:1.36 /bin/busybox /busybox', 'COPY --from=ghcr.io/org/tool@sha256:00 /t /t') },
    { name: 'variable from a global ARG naming a stage', dockerfile: df('ARG SRC=build', 'FROM golang:1.23 AS build', 'FROM scratch', 'COPY --from=${SRC} /a /a') },
    { name: 'distinct valid names', dockerfile: df('FROM golang:1.23 AS build-1.x', 'FROM build-1.x AS test_stage') },
  ],
});
