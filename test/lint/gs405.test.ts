import { df, ruleCases } from './rulecases.js';

ruleCases('GS405', {
  catches: [
    { name: 'two CMDs in a stage', dockerfile: df('FROM alpine:3.20', 'CMD ["a"]', 'CMD ["b"]'), lines: [3] },
    { name: 'relative WORKDIR', dockerfile: df('FROM alpine:3.20', 'WORKDIR app'), lines: [2] },
    { name: 'MAINTAINER', dockerfile: df('FROM alpine:3.20', 'MAINTAINER me@example.com'), lines: [2] },
    { name: 'two ENTRYPOINTs', dockerfile: df('FROM alpine:3.20', 'ENTRYPOINT ["a"]', 'USER 1', 'ENTRYPOINT ["b"]'), lines: [4] },
  ],
  passes: [
    { name: 'one CMD per stage across stages', dockerfile: df('FROM alpine:3.20 AS a', 'CMD ["a"]', 'FROM alpine:3.20', 'CMD ["b"]') },
    { name: 'absolute WORKDIR and one from a variable', dockerfile: df('FROM golang:1.23', 'WORKDIR /src', 'WORKDIR $GOPATH/src/app') },
    { name: 'WORKDIR from an ENV that is absolute', dockerfile: df('FROM alpine:3.20', 'ENV APP=/app', 'WORKDIR ${APP}/data') },
    { name: 'label instead of MAINTAINER', dockerfile: df('FROM alpine:3.20', 'LABEL org.opencontainers.image.authors="me"') },
    { name: 'a quoted absolute WORKDIR', dockerfile: df('FROM alpine:3.20', 'WORKDIR "/go"') },
  ],
});
