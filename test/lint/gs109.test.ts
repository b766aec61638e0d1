import { df, ruleCases } from './rulecases.js';

ruleCases('GS109', {
  catches: [
    { name: '-buildmode=pie', dockerfile: df('FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -buildmode=pie -o /app .', 'FROM scratch', 'COPY --from=b /app /app'), lines: [2] },
    { name: '-buildmode pie (separate value)', dockerfile: df('FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -buildmode pie -o /app .', 'FROM scratch', 'COPY --from=b /app /app'), lines: [2] },
    { name: 'external link without -static', dockerfile: df('FROM golang:1.23 AS b', "RUN go build -ldflags '-linkmode external' -o /app .", 'FROM scratch', 'COPY --from=b /app /app'), lines: [2] },
    { name: 'PIE into distroless static', dockerfile: df('FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -buildmode=pie -o /app .', 'FROM gcr.io/distroless/static:nonroot', 'COPY --from=b /app /app'), lines: [2], message: /distroless\/static:nonroot lacks/ },
  ],
  passes: [
    { name: 'external link with -static', dockerfile: df('FROM golang:1.23 AS b', `RUN go build -ldflags '-linkmode external -extldflags "-static"' -o /app .`, 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'pie for a distro final stage', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -buildmode=pie -o /app .', 'FROM debian:12', 'COPY --from=b /app /app') },
    { name: 'pie build not copied into scratch', dockerfile: df('FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -o /app . && go build -buildmode=pie -o /pie .', 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'default buildmode', dockerfile: df('FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -o /app .', 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'PIE into distroless base, which has the loader', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -buildmode=pie -o /app .', 'FROM gcr.io/distroless/base-debian12', 'COPY --from=b /app /app') },
  ],
});
