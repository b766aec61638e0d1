import { df, ruleCases } from './rulecases.js';

ruleCases('GS305', {
  catches: [
    { name: 'ARG GITHUB_TOKEN', dockerfile: df('FROM golang:1.23', 'ARG GITHUB_TOKEN'), lines: [2] },
    { name: 'ENV DB_PASSWORD', dockerfile: df('FROM golang:1.23', 'ENV DB_PASSWORD=hunter2'), lines: [2] },
    { name: 'AWS key as a value', dockerfile: df('FROM golang:1.23', 'ENV CONFIG=AKIAABCDEFGHIJKLMNOP'), lines: [2] },
    { name: 'credentials in a GOPROXY URL', dockerfile: df('FROM golang:1.23', 'ENV GOPROXY=https://user:s3cret@proxy.example.com'), lines: [2] },
    { name: 'global ARG API_KEY', dockerfile: df('ARG API_KEY=x', 'FROM golang:1.23'), lines: [1] },
  ],
  passes: [
    { name: 'names that locate a secret', dockerfile: df('FROM golang:1.23-alpine', 'ENV TOKEN_URL=https://auth.example.com/token PASSWORD_FILE=/run/secrets/db') },
    { name: 'ordinary variables', dockerfile: df('FROM golang:1.23', 'ENV USER=appuser UID=10001 GOFLAGS=-trimpath GOAUTH=netrc') },
    { name: 'GPG_KEY is a public fingerprint', dockerfile: df('FROM golang:1.23', 'ENV GPG_KEY=0123456789ABCDEF') },
    { name: 'secret used through a secret mount', dockerfile: df('FROM golang:1.23', 'RUN --mount=type=secret,id=token cat /run/secrets/token') },
    { name: 'PWD is not a password', dockerfile: df('FROM golang:1.23', 'ENV PWD=/src') },
    { name: 'ENV TOKEN="" declares a run-time secret and stores nothing', dockerfile: df('FROM alpine:3.20', 'ENV BOT_TOKEN=""') },
  ],
});
