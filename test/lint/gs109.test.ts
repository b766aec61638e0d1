import { df, ruleCases } from './rulecases.js';

ruleCases('GS109', {
  catches: [
    { name: '-buildmode=pie', dockerfile: df('FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -buildmode=pie -o /app .', 'FROM scratch', 'COPY --from=b /app /app'), lines: [2] },
    { name: '-buildmode pie (separate value)', dockerfile: df('FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -buildmode pie -o /app .', 'FROM scratch', 'COPY --from=b /app /app'), lines: [2] },
    { name: 'external link without -static', dockerfile: df('FROM golang:1.23 AS b', "RUN go build -ldflags '-linkmode external' -o /app .", 'FROM scratch', 'COPY --from=b /app /app'), lines: [2] },
  ],
  passes: [
    { name: 'external link with -static', dockerfile: df('FROM golang:1.23 AS b', `RUN go build -ldflags '-linkmode external -extldflags "-static"' -o /app .`, 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'pie for a distro final stage', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -buildmode=pie -o /app .', 'FROM debian:12', 'COPY --from=b /app /app') },
    { name: 'pie build not copied into scratch', dockerfile: df('FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -o /app . && go build -buildmode=pie -o /pie .', 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'default buildmode', dockerfile: df('FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -o /app .', 'FROM scratch', 'COPY --from=b /app /app') },
  ],
});
