import { df, ruleCases } from './rulecases.js';

ruleCases('GS307', {
  catches: [
    { name: 'ADD of a directory', dockerfile: df('FROM golang:1.23', 'ADD ./cmd /src/cmd'), lines: [2] },
    { name: 'ADD of the context', dockerfile: df('FROM golang:1.23', 'ADD . .'), lines: [2] },
    { name: 'ADD with flags of a plain file', dockerfile: df('FROM golang:1.23', 'ADD --chown=1:1 go.mod /src/'), lines: [2] },
  ],
  passes: [
    { name: 'COPY', dockerfile: df('FROM golang:1.23', 'COPY . .') },
    { name: 'ADD of a URL', dockerfile: df('FROM golang:1.23', 'ADD https://example.com/tool.tar.gz /tmp/') },
    { name: 'ADD of a local archive to unpack', dockerfile: df('FROM scratch', 'ADD rootfs.tar.gz /') },
    { name: 'ADD of a git repository', dockerfile: df('FROM golang:1.23', 'ADD https://github.com/org/repo.git#v1.0 /src') },
  ],
});
