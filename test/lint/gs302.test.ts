import { df, ruleCases } from './rulecases.js';

ruleCases('GS302', {
  catches: [
    { name: 'name:name (the seed)', dockerfile: df('FROM alpine:3.20', 'USER appuser:appuser'), lines: [2] },
    { name: 'name only', dockerfile: df('FROM alpine:3.20', 'USER nobody'), lines: [2] },
    { name: 'uid with a group name', dockerfile: df('FROM alpine:3.20', 'USER 10001:app'), lines: [2] },
    { name: 'from an ARG default', dockerfile: df('FROM alpine:3.20', 'ARG RUN_AS=app', 'USER $RUN_AS'), lines: [3] },
  ],
  passes: [
    { name: 'numeric', dockerfile: df('FROM alpine:3.20', 'USER 10001:10001') },
    { name: 'named only in the builder', dockerfile: df('FROM alpine:3.20 AS b', 'USER app', 'FROM scratch', 'USER 10001') },
    { name: 'from an ARG without default (unknown)', dockerfile: df('FROM alpine:3.20', 'ARG UID', 'USER $UID') },
    { name: 'numeric from ENV', dockerfile: df('FROM alpine:3.20', 'ENV UID=10001', 'USER ${UID}:${UID}') },
  ],
});
