import { df, ruleCases } from './rulecases.js';

ruleCases('GS103', {
  catches: [
    { name: 'ARG TARGETARCH with a default', dockerfile: df('FROM golang:1.23', 'ARG TARGETARCH=amd64', 'RUN GOARCH=$TARGETARCH go build .'), lines: [2] },
    { name: 'global ARG TARGETOS with a default', dockerfile: df('ARG TARGETOS=linux', 'FROM golang:1.23'), lines: [1] },
    { name: 'TARGETARCH used without ARG in the stage', dockerfile: df('FROM golang:1.23', 'RUN GOARCH=$TARGETARCH go build .'), lines: [2] },
    { name: 'declared in the parent stage only (ARGs do not carry over)', dockerfile: df('FROM golang:1.23 AS base', 'ARG TARGETARCH', 'FROM base', 'RUN GOARCH=${TARGETARCH} go build .'), lines: [4] },
    { name: 'declared after the use', dockerfile: df('FROM golang:1.23', 'RUN GOARCH=$TARGETARCH go build .', 'ARG TARGETARCH'), lines: [2] },
  ],
  passes: [
    { name: 'declared in the stage', dockerfile: df('FROM golang:1.23', 'ARG TARGETOS TARGETARCH', 'RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build .') },
    { name: 'used in FROM --platform (global scope)', dockerfile: df('FROM --platform=$BUILDPLATFORM golang:1.23', 'RUN go build .') },
    { name: 'ENV of the parent stage carries the value', dockerfile: df('FROM golang:1.23 AS base', 'ARG TARGETARCH', 'ENV GOARCH=$TARGETARCH ARCH=$TARGETARCH', 'FROM base', 'RUN echo $ARCH') },
    { name: 'a user ARG with a default is fine', dockerfile: df('FROM golang:1.23', 'ARG VERSION=1.0', 'RUN echo $VERSION') },
  ],
});
