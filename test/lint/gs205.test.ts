import { df, ruleCases } from './rulecases.js';

ruleCases('GS205', {
  catches: [
    { name: 'USER name with no passwd', dockerfile: df('FROM scratch', 'COPY app /app', 'USER appuser'), lines: [3] },
    { name: 'passwd from a stage that never creates the user', dockerfile: df('FROM alpine:3.20 AS b', 'RUN adduser -D other', 'FROM scratch', 'COPY --from=b /etc/passwd /etc/passwd', 'USER appuser'), lines: [5] },
    { name: 'the seed: the swallowed WORKDIR renames the user', dockerfile: df('FROM alpine:3.20 AS b', 'ENV USER=appuser', 'RUN adduser -D \\', '"${USER}"WORKDIR /x', 'FROM scratch', 'COPY --from=b /etc/passwd /etc/passwd', 'USER appuser:appuser'), lines: [7] },
    { name: 'passwd copied after the USER', dockerfile: df('FROM alpine:3.20 AS b', 'FROM scratch', 'USER nobody', 'COPY --from=b /etc/passwd /etc/passwd'), lines: [3] },
  ],
  passes: [
    { name: 'passwd written by a COPY heredoc', dockerfile: df('FROM scratch', 'COPY <<EOF2 /etc/passwd', 'appuser:x:10001:10001::/nonexistent:/sbin/nologin', 'EOF2', 'USER appuser') },
    { name: 'numeric USER needs no passwd', dockerfile: df('FROM scratch', 'USER 10001:10001') },
    { name: 'user created with adduser from an ENV', dockerfile: df('FROM alpine:3.20 AS b', 'ENV USER=appuser', 'RUN adduser -D -u 10001 "${USER}"', 'FROM scratch', 'COPY --from=b /etc/passwd /etc/passwd', 'USER appuser') },
    { name: 'passwd line written with printf, copied into /etc/', dockerfile: df('FROM alpine:3.20 AS b', "RUN printf 'root:x:0:0::/:/sbin/nologin\\napp:x:10001:10001::/:/sbin/nologin\\n' > /out/passwd", 'FROM scratch', 'COPY --from=b /out/passwd /etc/', 'USER app') },
    { name: 'passwd from the build context (unknown content)', dockerfile: df('FROM scratch', 'COPY passwd /etc/passwd', 'USER app') },
    { name: 'nobody from a distro image', dockerfile: df('FROM alpine:3.20 AS b', 'FROM scratch', 'COPY --from=b /etc/passwd /etc/passwd', 'USER nobody') },
  ],
});
