import { df, ruleCases } from './rulecases.js';

ruleCases('GS401', {
  catches: [
    { name: 'keyword glued after a quote (the seed)', dockerfile: df('FROM alpine:3.20', 'RUN adduser \\', '  --no-create-home \\', '  "${USER}"WORKDIR /app'), lines: [2] },
    { name: 'continued line starts with COPY', dockerfile: df('FROM alpine:3.20', 'RUN apk add --no-cache git \\', 'COPY . .'), lines: [2] },
    { name: 'swallowed after an empty continuation line', dockerfile: df('FROM alpine:3.20', 'RUN echo hi \\', '', 'USER 10001'), lines: [2] },
    { name: 'keyword glued to a closing brace', dockerfile: df('FROM alpine:3.20', 'RUN echo ${HOME}USER nobody'), lines: [2] },
    { name: 'escape directive with backtick', dockerfile: df('# escape=`', 'FROM alpine:3.20', 'RUN echo hi `', 'WORKDIR /app'), lines: [3] },
  ],
  passes: [
    { name: 'ordinary continuation', dockerfile: df('FROM alpine:3.20', 'RUN apk add --no-cache \\', '    git \\', '    ca-certificates', 'WORKDIR /app') },
    { name: 'keyword words inside a heredoc body', dockerfile: df('FROM alpine:3.20', 'RUN <<EOF', 'echo "x"', 'COPY is a word here', 'EOF') },
    { name: 'ENV continuation with USER= assignment', dockerfile: df('FROM alpine:3.20', 'ENV A=1 \\', '    USER=app') },
    { name: 'keyword in a quoted string', dockerfile: df('FROM alpine:3.20', 'RUN echo "RUN" \'COPY\' && echo "the FROM line"') },
    { name: 'comment line inside a continuation', dockerfile: df('FROM alpine:3.20', 'RUN apk add \\', '# COPY this later', '    git') },
    { name: 'HEALTHCHECK continued with CMD', dockerfile: df('FROM scratch', 'HEALTHCHECK --interval=30s \\', '  CMD ["/app", "-health"]') },
    { name: 'ONBUILD continued with RUN', dockerfile: df('FROM alpine:3.20', 'ONBUILD \\', '  RUN echo hi') },
    { name: 'keyword opening a JSON string', dockerfile: df('FROM alpine:3.20', 'CMD ["echo", "COPY done", \\', '  "USER x"]') },
  ],
});
