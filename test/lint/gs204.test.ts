import { df, ruleCases } from './rulecases.js';

ruleCases('GS204', {
  catches: [
    { name: 'no zoneinfo, no timetzdata', dockerfile: df('FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -o /app .', 'FROM scratch', 'COPY --from=b /app /app'), lines: [3] },
    { name: 'timetzdata on a different tag list spelling', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -tags netgo -o /app .', 'FROM scratch', 'COPY --from=b /app /app'), lines: [3] },
    { name: 'zoneinfo copied into the builder only', dockerfile: df('FROM alpine:3.20 AS b', 'COPY zoneinfo /usr/share/zoneinfo', 'FROM scratch', 'COPY --from=b /app /app'), lines: [3] },
  ],
  passes: [
    { name: '-tags timetzdata', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -tags netgo,timetzdata -o /app .', 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'zoneinfo copied', dockerfile: df('FROM alpine:3.20 AS b', 'FROM scratch', 'COPY --from=b /usr/share/zoneinfo /usr/share/zoneinfo') },
    { name: 'comment says the binary imports time/tzdata', dockerfile: df('FROM golang:1.23 AS b', '# main.go imports time/tzdata', 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'final stage not scratch', dockerfile: df('FROM alpine:3.20') },
  ],
});
