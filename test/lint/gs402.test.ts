import { df, ruleCases } from './rulecases.js';

ruleCases('GS402', {
  catches: [
    { name: 'blank line inside RUN', dockerfile: df('FROM alpine:3.20', 'RUN apk add \\', '', '    git'), lines: [3] },
    { name: 'whitespace-only line', dockerfile: df('FROM alpine:3.20', 'RUN apk add \\', '   ', '    git'), lines: [3] },
    { name: 'blank line inside ENV', dockerfile: df('FROM alpine:3.20', 'ENV A=1 \\', '', '    B=2'), lines: [3] },
  ],
  passes: [
    { name: 'blank line between instructions', dockerfile: df('FROM alpine:3.20', 'RUN apk add git', '', 'USER 1') },
    { name: 'comment inside a continuation', dockerfile: df('FROM alpine:3.20', 'RUN apk add \\', '    # the VCS', '    git') },
    { name: 'blank line inside a heredoc', dockerfile: df('FROM alpine:3.20', 'RUN <<EOF', 'echo a', '', 'echo b', 'EOF') },
  ],
});
