import { df, ruleCases } from './rulecases.js';

const build = ['FROM golang:1.23 AS b', 'RUN CGO_ENABLED=0 go build -o /app .'];

ruleCases('GS204', {
  catches: [
    // Evidence in the file that time zones matter.
    { name: 'TZ set in the scratch final stage', dockerfile: df(...build, 'FROM scratch', 'COPY --from=b /app /app', 'ENV TZ=Europe/Berlin'), lines: [3], message: /ENV TZ=Europe\/Berlin is set/ },
    { name: 'tzdata installed in the builder, never copied', dockerfile: df('FROM golang:1.23-alpine AS b', 'RUN apk add --no-cache tzdata ca-certificates', 'RUN CGO_ENABLED=0 go build -o /app .', 'FROM scratch', 'COPY --from=b /etc/ssl/certs /etc/ssl/certs', 'COPY --from=b /app /app'), lines: [4], message: /tzdata is installed on line 2/ },
    { name: 'TZ in the builder, only the binary copied', dockerfile: df('FROM golang:1.23 AS b', 'ENV TZ=Asia/Shanghai', 'RUN CGO_ENABLED=0 go build -o /app .', 'FROM scratch', 'COPY --from=b /app /app'), lines: [4] },
  ],
  passes: [
    // Without evidence the rule is silent: most programs never load a zone.
    { name: 'no zoneinfo, no timetzdata, nothing about time zones', dockerfile: df(...build, 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'zoneinfo copied into the builder only, nothing asks for a zone', dockerfile: df('FROM alpine:3.20 AS b', 'COPY zoneinfo /usr/share/zoneinfo', 'FROM scratch', 'COPY --from=b /app /app') },
    { name: 'TZ=UTC needs no database', dockerfile: df(...build, 'FROM scratch', 'COPY --from=b /app /app', 'ENV TZ=UTC') },
    { name: '-tags timetzdata', dockerfile: df('FROM golang:1.23 AS b', 'RUN go build -tags netgo,timetzdata -o /app .', 'FROM scratch', 'COPY --from=b /app /app', 'ENV TZ=Europe/Berlin') },
    { name: 'zoneinfo copied', dockerfile: df('FROM alpine:3.20 AS b', 'RUN apk add tzdata', 'FROM scratch', 'COPY --from=b /usr/share/zoneinfo /usr/share/zoneinfo', 'ENV TZ=Europe/Berlin') },
    { name: 'localtime copied', dockerfile: df('FROM alpine:3.20 AS b', 'RUN apk add tzdata && cp /usr/share/zoneinfo/Asia/Tokyo /etc/localtime', 'FROM scratch', 'COPY --from=b /etc/localtime /etc/localtime') },
    { name: 'comment says the binary imports time/tzdata', dockerfile: df('FROM golang:1.23 AS b', '# main.go imports time/tzdata', 'FROM scratch', 'COPY --from=b /app /app', 'ENV TZ=Europe/Berlin') },
    { name: 'final stage not scratch', dockerfile: df('FROM alpine:3.20', 'ENV TZ=Europe/Berlin') },
    { name: 'distroless static ships tzdata', dockerfile: df(...build, 'FROM gcr.io/distroless/static:nonroot', 'COPY --from=b /app /app', 'ENV TZ=Europe/Berlin') },
  ],
});
