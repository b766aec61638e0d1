import { df, ruleCases } from './rulecases.js';

ruleCases('GS404', {
  catches: [
    { name: 'apk update && apk add --no-cache (the seed)', dockerfile: df('FROM alpine:3.20', 'RUN apk update && apk add --no-cache git'), lines: [2] },
    { name: 'apk update in its own RUN', dockerfile: df('FROM alpine:3.20', 'RUN apk update', 'RUN apk add --no-cache git'), lines: [2] },
    { name: 'apt-get install without --no-install-recommends', dockerfile: df('FROM debian:12', 'RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*'), lines: [2] },
    { name: 'apt-get install without list clean-up', dockerfile: df('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends git'), lines: [2] },
  ],
  passes: [
    { name: 'apk add --no-cache alone', dockerfile: df('FROM alpine:3.20', 'RUN apk add --no-cache git') },
    { name: 'apt done right', dockerfile: df('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*') },
    { name: 'apt with a cache mount on the lists', dockerfile: df('FROM debian:12', 'RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y --no-install-recommends git') },
    { name: 'apk update in one stage, --no-cache in another', dockerfile: df('FROM alpine:3.20 AS a', 'RUN apk update && apk add git', 'FROM alpine:3.20', 'RUN apk add --no-cache curl') },
  ],
});
