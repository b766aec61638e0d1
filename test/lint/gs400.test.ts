import { df, ruleCases } from './rulecases.js';

ruleCases('GS400', {
  catches: [
    { name: 'misspelled instruction', dockerfile: df('FROM alpine:3.20', 'WORKDIRR /app'), lines: [2] },
    { name: 'no FROM', dockerfile: df('RUN echo hi'), lines: [1] },
    { name: 'COPY before the first FROM', dockerfile: df('COPY . .', 'FROM alpine:3.20'), lines: [1] },
    { name: 'binary content', dockerfile: 'FROM \0\x01\x02 scratch\n', lines: [1] },
  ],
  passes: [
    { name: 'ARG before FROM', dockerfile: df('ARG V=1', 'FROM alpine:3.20') },
    { name: 'lower-case instructions', dockerfile: df('from alpine:3.20', 'run echo hi') },
    { name: 'parser directives and comments', dockerfile: df('# syntax=docker/dockerfile:1', '# escape=\\', 'FROM alpine:3.20') },
  ],
});
