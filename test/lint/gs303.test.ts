import { df, ruleCases } from './rulecases.js';

ruleCases('GS303', {
  catches: [
    { name: 'EXPOSE 80 as 10001', dockerfile: df('FROM scratch', 'USER 10001', 'EXPOSE 80'), lines: [3] },
    { name: 'one of several ports, with protocol', dockerfile: df('FROM scratch', 'USER 10001', 'EXPOSE 8080 443/tcp'), lines: [3] },
    { name: 'port from an ARG', dockerfile: df('FROM scratch', 'ARG PORT=80', 'USER 10001', 'EXPOSE ${PORT}'), lines: [4] },
    { name: 'distroless :nonroot without USER', dockerfile: df('FROM gcr.io/distroless/static:nonroot', 'EXPOSE 80'), lines: [2] },
  ],
  passes: [
    { name: 'port above 1024', dockerfile: df('FROM scratch', 'USER 10001', 'EXPOSE 9292') },
    { name: 'root (GS301 covers it)', dockerfile: df('FROM scratch', 'EXPOSE 80') },
    { name: 'low port in a builder stage', dockerfile: df('FROM alpine:3.20 AS b', 'EXPOSE 80', 'FROM scratch', 'USER 10001', 'EXPOSE 8080') },
  ],
});
