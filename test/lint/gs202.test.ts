import { df, ruleCases } from './rulecases.js';

ruleCases('GS202', {
  catches: [
    { name: 'RUN in FROM scratch', dockerfile: df('FROM scratch', 'RUN mkdir /data'), lines: [2] },
    { name: 'RUN in a stage built on a scratch stage', dockerfile: df('FROM scratch AS base', 'COPY app /app', 'FROM base AS final', 'RUN chmod +x /app'), lines: [4] },
    { name: 'heredoc RUN in scratch', dockerfile: df('FROM scratch', 'RUN <<EOF', 'echo hi', 'EOF'), lines: [2] },
    { name: 'broken JSON RUN in scratch', dockerfile: df('FROM scratch', "RUN ['/app', 'migrate']"), lines: [2] },
    { name: 'exec-form RUN of a program never copied in', dockerfile: df('FROM scratch', 'COPY app /app', 'RUN ["/bin/mkdir", "/data"]'), lines: [3] },
    { name: 'RUN on distroless static', dockerfile: df('FROM gcr.io/distroless/static-debian12:nonroot', 'RUN mkdir /data'), lines: [2], message: /distroless\/static-debian12:nonroot/ },
  ],
  passes: [
    { name: 'exec-form RUN of a copied binary', dockerfile: df('FROM scratch', 'COPY app /app', 'RUN ["/app", "migrate"]') },
    { name: 'exec-form RUN of a binary copied into its directory', dockerfile: df('FROM scratch', 'COPY --from=b /out/app /usr/local/bin/', 'RUN ["/usr/local/bin/app", "migrate"]') },
    { name: 'busybox copied in first', dockerfile: df('FROM busybox:1.36 AS bb', 'FROM scratch', 'COPY --from=bb /bin/busybox /bin/sh', 'RUN echo ok') },
    { name: 'RUN in a builder, scratch final', dockerfile: df('FROM alpine:3.20 AS b', 'RUN mkdir /data', 'FROM scratch', 'COPY --from=b /data /data') },
    { name: 'RUN in a stage named scratch-like but based on alpine', dockerfile: df('FROM alpine:3.20 AS scratchy', 'RUN echo hi') },
    { name: 'RUN on distroless :debug (busybox)', dockerfile: df('FROM gcr.io/distroless/static:debug', 'SHELL ["/busybox/sh", "-c"]', 'RUN mkdir /data') },
  ],
});
