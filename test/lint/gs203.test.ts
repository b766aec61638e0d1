import { df, ruleCases } from './rulecases.js';

ruleCases('GS203', {
  catches: [
    { name: 'nothing but the binary', dockerfile: df('FROM golang:1.23 AS b', 'FROM scratch', 'COPY --from=b /app /app'), lines: [2] },
    { name: 'certificates copied into a builder only', dockerfile: df('FROM alpine:3.20 AS b', 'COPY ca.crt /etc/ssl/certs/', 'FROM scratch', 'COPY --from=b /app /app'), lines: [3] },
    { name: 'final stage built on a scratch stage', dockerfile: df('FROM scratch AS base', 'COPY app /app', 'FROM base', 'USER 1:1'), lines: [3] },
  ],
  passes: [
    { name: 'ca-certificates.crt copied', dockerfile: df('FROM golang:1.23 AS b', 'FROM scratch', 'COPY --from=b /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/') },
    { name: 'copied in the scratch parent stage', dockerfile: df('FROM alpine:3.20 AS b', 'FROM scratch AS base', 'COPY --from=b /etc/ssl/certs /etc/ssl/certs', 'FROM base') },
    { name: 'SSL_CERT_FILE points at a bundle', dockerfile: df('FROM scratch', 'COPY bundle /certs/bundle', 'ENV SSL_CERT_FILE=/certs/bundle') },
    { name: 'final stage not scratch', dockerfile: df('FROM scratch AS x', 'FROM alpine:3.20') },
    { name: 'distroless static ships CA certificates', dockerfile: df('FROM gcr.io/distroless/static:nonroot', 'COPY app /app') },
    { name: 'an artifact export stage', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -o /out/app .', 'FROM scratch AS export', 'COPY --from=b /out/app /') },
  ],
});
