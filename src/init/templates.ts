/**
 * The files `goscratch init` writes, as pure functions of what it detected. Each
 * generated line that is a choice carries a one-line comment saying why.
 */
import { stringify } from 'yaml';

export interface InitPlan {
  /** Module path from go.mod. */
  module: string;
  /** `x.y` Go release the builder image is pinned to. */
  goVersion: string;
  /** Default of the Dockerfile's BUILDER_IMAGE argument. */
  builderImage: string;
  /** Main package, `./`-relative (`.`, `./cmd/api`). */
  package: string;
  /** Binary name; the image holds it at /usr/local/bin/<binary>, as `goscratch build` does. */
  binary: string;
  port?: number;
  /** Whether go.sum exists (a module without dependencies has none). */
  hasGoSum: boolean;
  platforms: string[];
  user: string;
  uid: number;
}

export const DEFAULT_UID = 10001;
export const DEFAULT_USER = 'appuser';
export const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

export const binaryPath = (p: InitPlan): string => `/usr/local/bin/${p.binary}`;

export function dockerfile(p: InitPlan): string {
  const out = `/out/${p.binary}`;
  return [
    `# Built with BuildKit or buildah: docker buildx build --platform ${p.platforms.join(',')} -t ${p.binary} .`,
    `# Pinned to the Go release go.mod asks for; override with --build-arg BUILDER_IMAGE=<image>.`,
    `ARG BUILDER_IMAGE=${p.builderImage}`,
    ``,
    `# Compile on the build machine's platform and cross-compile to the target: no emulation.`,
    `FROM --platform=$BUILDPLATFORM \${BUILDER_IMAGE} AS build`,
    `# Set by the builder from --platform; a default here would override it.`,
    `ARG TARGETOS`,
    `ARG TARGETARCH`,
    `# Fixed cache paths, so the cache mounts below work with any builder image.`,
    `ENV GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build`,
    `WORKDIR /src`,
    ``,
    `# Modules first: this layer stays cached until go.mod or go.sum change.`,
    p.hasGoSum ? `COPY go.mod go.sum ./` : `COPY go.mod ./`,
    `RUN --mount=type=cache,target=/go/pkg/mod go mod download && go mod verify`,
    ``,
    `# The image's user, written as text: scratch has no adduser, and no home or shell is needed.`,
    `RUN mkdir -p /out/etc \\`,
    ` && printf 'root:x:0:0:root:/root:/sbin/nologin\\n${p.user}:x:${p.uid}:${p.uid}:${p.user}:/nonexistent:/sbin/nologin\\n' > /out/etc/passwd \\`,
    ` && printf 'root:x:0:\\n${p.user}:x:${p.uid}:\\n' > /out/etc/group`,
    ``,
    `COPY . .`,
    `# Static (CGO_ENABLED=0), reproducible (-trimpath), stripped (-s -w), for the target platform;`,
    `# timetzdata embeds the time zone database that scratch lacks.`,
    `RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\`,
    `    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \\`,
    `    go build -trimpath -ldflags="-s -w" -tags timetzdata -o ${out} ${p.package}`,
    ``,
    `# Nothing but the binary, its user and CA certificates.`,
    `FROM scratch`,
    `COPY --from=build /out/etc/passwd /out/etc/group /etc/`,
    `# Without CA certificates HTTPS calls fail with "x509: certificate signed by unknown authority".`,
    `COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`,
    `COPY --from=build ${out} ${binaryPath(p)}`,
    `# Numeric, so Kubernetes runAsNonRoot can verify that it is not root.`,
    `USER ${p.uid}:${p.uid}`,
    ...(p.port === undefined ? [] : [`# Above 1024: not every runtime lets a non-root user bind a low port.`, `EXPOSE ${p.port}`]),
    `# Exec form: scratch has no shell to run a shell-form command.`,
    `ENTRYPOINT ["${binaryPath(p)}"]`,
    ``,
  ].join('\n');
}

export function dockerignore(): string {
  return [
    '# Version control',
    '.git',
    '.hg',
    '.svn',
    '# Build output',
    'bin/',
    'dist/',
    '*.tar',
    '*.test',
    '*.out',
    '# Local environment files (often hold secrets)',
    '.env',
    '.env.*',
    '*.local',
    '# Editors',
    '.idea/',
    '.vscode/',
    '',
  ].join('\n');
}

export function makefile(p: InitPlan): string {
  return [
    `# Variables can be set per run: make push IMAGE=registry.example.com/team/${p.binary} TAG=v1.0.0`,
    `NAME ?= ${p.binary}`,
    `IMAGE ?= $(NAME)`,
    `TAG ?= latest`,
    `PLATFORMS ?= ${p.platforms.join(',')}`,
    `PKG ?= ${p.package}`,
    `GOSCRATCH ?= npx goscratch`,
    `DOCKER ?= docker`,
    ``,
    `.PHONY: build image docker push lint test clean`,
    ``,
    `# A static binary for this machine, built as in the image.`,
    `build:`,
    `\tCGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o bin/$(NAME) $(PKG)`,
    ``,
    `# A FROM-scratch image archive for every platform, without a Docker daemon.`,
    `image:`,
    `\t$(GOSCRATCH) build $(PKG) --platform $(PLATFORMS) --tag $(IMAGE):$(TAG) --tarball bin/$(NAME).tar`,
    ``,
    `# The same image through the Dockerfile (for this machine's platform; buildx --push for all).`,
    `docker:`,
    `\t$(DOCKER) build -t $(IMAGE):$(TAG) .`,
    ``,
    `push:`,
    `\t$(GOSCRATCH) build $(PKG) --platform $(PLATFORMS) --push $(IMAGE):$(TAG)`,
    ``,
    `lint:`,
    `\t$(GOSCRATCH) lint Dockerfile`,
    `\tgo vet ./...`,
    ``,
    `test:`,
    `\tgo test ./...`,
    ``,
    `clean:`,
    `\trm -rf bin/`,
    ``,
  ].join('\n');
}

/** goscratch.yaml with the detected values, so `goscratch build` needs no flags. */
export function configFile(p: InitPlan): string {
  const config = {
    main: p.package,
    platforms: p.platforms,
    image: { user: p.user, uid: p.uid, ...(p.port === undefined ? {} : { ports: [p.port] }) },
  };
  return [
    `# goscratch build settings for ${p.module}; command-line flags override them.`,
    stringify(config).trimEnd(),
    `# The limits the container will run under: build then sets GOMAXPROCS and GOMEMLIMIT.`,
    `# runtime:`,
    `#   cpus: 1`,
    `#   memory: 512Mi`,
    ``,
  ].join('\n');
}
