import { df, ruleCases } from './rulecases.js';

ruleCases('GS205', {
  catches: [
    { name: 'USER name with no passwd', dockerfile: df('FROM scratch', 'COPY app /app', 'USER appuser'), lines: [3] },
    { name: 'passwd from a stage that never creates the user', dockerfile: df('FROM alpine:3.20 AS b', 'RUN adduser -D other', 'FROM scratch', 'COPY --from=b /etc/passwd /etc/passwd', 'USER appuser'), lines: [5] },
    { name: 'the seed: the swallowed WORKDIR renames the user', dockerfile: df('FROM alpine:3.20 AS b', 'ENV USER=appuser', 'RUN adduser -D \\', '"${USER}"WORKDIR /x', 'FROM scratch', 'COPY --from=b /etc/passwd /etc/passwd', 'USER appuser:appuser'), lines: [7] },
    { name: 'a name distroless does not define', dockerfile: df('FROM gcr.io/distroless/static-debian12', 'COPY app /app', 'USER appuser'), lines: [3], message: /distroless\/static-debian12 defines only root, nonroot, nobody/ },
    { name: 'passwd from a scratch stage that defines nobody only', dockerfile: df('FROM scratch AS users', 'COPY <<EOF2 /etc/passwd', 'nobody:x:65534:65534::/:/sbin/nologin', 'EOF2', 'FROM scratch', 'COPY --from=users /etc/passwd /etc/passwd', 'USER app'), lines: [7] },
  ],
  passes: [
    { name: 'passwd written by a COPY heredoc', dockerfile: df('FROM scratch', 'COPY <<EOF2 /etc/passwd', 'appuser:x:10001:10001::/nonexistent:/sbin/nologin', 'EOF2', 'USER appuser') },
    { name: 'numeric USER needs no passwd', dockerfile: df('FROM scratch', 'USER 10001:10001') },
    { name: 'user created with adduser from an ENV', dockerfile: df('FROM alpine:3.20 AS b', 'ENV USER=appuser', 'RUN adduser -D -u 10001 "${USER}"', 'FROM scratch', 'COPY --from=b /etc/passwd /etc/passwd', 'USER appuser') },
    { name: 'passwd line written with printf, copied into /etc/', dockerfile: df('FROM alpine:3.20 AS b', "RUN printf 'root:x:0:0::/:/sbin/nologin\\napp:x:10001:10001::/:/sbin/nologin\\n' > /out/passwd", 'FROM scratch', 'COPY --from=b /out/passwd /etc/', 'USER app') },
    { name: 'passwd from the build context (unknown content)', dockerfile: df('FROM scratch', 'COPY passwd /etc/passwd', 'USER app') },
    { name: 'nobody from a distro image', dockerfile: df('FROM alpine:3.20 AS b', 'FROM scratch', 'COPY --from=b /etc/passwd /etc/passwd', 'USER nobody') },
    // In a stage without RUN the order cannot matter: the runtime reads /etc/passwd when the container starts.
    { name: 'passwd copied after the USER', dockerfile: df('FROM alpine:3.20 AS b', 'FROM scratch', 'USER nobody', 'COPY --from=b /etc/passwd /etc/passwd') },
    { name: 'USER app on the line before the passwd copy', dockerfile: df('FROM alpine:3.20 AS build', 'RUN adduser -D -u 10001 app', 'FROM scratch', 'USER app', 'COPY --from=build /etc/passwd /etc/passwd', 'COPY --from=build /etc/group /etc/group') },
    { name: 'a directory with etc/passwd copied onto /', dockerfile: df('FROM golang:1.23 AS b', 'RUN mkdir -p /out/etc && cp passwd /out/etc/', 'FROM scratch', 'COPY --from=b /out/ /', 'USER appuser') },
    { name: 'nonroot on distroless', dockerfile: df('FROM gcr.io/distroless/static:nonroot', 'USER nonroot:nonroot') },
  ],
});
