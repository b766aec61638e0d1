import { df, ruleCases } from './rulecases.js';

ruleCases('GS304', {
  catches: [
    { name: 'golang:alpine (the seed)', dockerfile: df('FROM golang:alpine AS builder'), lines: [1] },
    { name: 'no tag', dockerfile: df('FROM ubuntu'), lines: [1] },
    { name: ':latest via an ARG default', dockerfile: df('ARG BASE=golang:latest', 'FROM ${BASE}'), lines: [2] },
    { name: 'registry with a port, no tag', dockerfile: df('FROM localhost:5000/base'), lines: [1] },
    { name: 'toolchain image tagged with a distribution only', dockerfile: df('FROM golang:bookworm AS build'), lines: [1] },
  ],
  passes: [
    { name: 'version tag', dockerfile: df('FROM golang:1.23-alpine AS b') },
    { name: 'digest', dockerfile: df('FROM golang@sha256:0000000000000000000000000000000000000000000000000000000000000000') },
    { name: 'pinned ARG default (init style)', dockerfile: df('ARG BUILDER_IMAGE=golang:1.23-alpine', 'FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS build') },
    { name: 'scratch and stage references', dockerfile: df('FROM golang:1.23 AS build', 'FROM build', 'FROM scratch') },
    { name: 'ARG without default (unknown)', dockerfile: df('ARG BASE', 'FROM $BASE') },
    { name: 'distribution codename', dockerfile: df('FROM debian:bookworm-slim') },
  ],
});
