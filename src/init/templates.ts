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
  /** Why this package: `--main`, goscratch.yaml's main, the module root, the only one, the one named after the module. */
  packageFrom?: string;
  /** Binary name; the image holds it at /usr/local/bin/<binary>, as `goscratch build` does. */
  binary: string;
  port?: number;
  /** Where the port was found (`main.go:12: default of "port"`) or `--port`. */
  portFrom?: string;
  /** Whether go.sum exists (a module without dependencies has none). */
  hasGoSum: boolean;
  /** Whether vendor/modules.txt exists: the build then uses vendor/ and downloads nothing. */
  vendor?: boolean;
  platforms: string[];
  user: string;
  uid: number;
}

export const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];
/** The Makefile fragment with goscratch's targets, included from the project's Makefile. */
export const MAKE_FRAGMENT = 'goscratch.mk';

export const binaryPath = (p: InitPlan): string => `/usr/local/bin/${p.binary}`;

/** The image name for the docker command line and goscratch.mk: the binary name as a valid repository name. */
export const imageName = (p: InitPlan): string => p.binary.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');

/** `go build` flags shared by the Dockerfile and the Makefile's build target. */
const goBuildFlags = (p: InitPlan): string => `${p.vendor ? '-mod=vendor ' : ''}-trimpath -ldflags="-s -w" -tags timetzdata`;

export function dockerfile(p: InitPlan): string {
  const out = `/out/${p.binary}`;
  const modules = p.vendor
    ? []
    : [
        `# Modules first: this layer stays cached until go.mod or go.sum change.`,
        p.hasGoSum ? `COPY go.mod go.sum ./` : `COPY go.mod ./`,
        `RUN --mount=type=cache,target=/go/pkg/mod go mod download && go mod verify`,
        ``,
      ];
  const expose =
    p.port === undefined
      ? []
      : p.port >= 1024
        ? [`# Above 1024: not every runtime lets a non-root user bind a low port.`, `EXPOSE ${p.port}`]
        : [`# The app's default port; below 1024, which not every runtime lets a non-root user bind: prefer one above 1024.`, `EXPOSE ${p.port}`];
  return [
    `# Written by goscratch init. Build: docker buildx build --platform ${p.platforms.join(',')} -t ${imageName(p)} .`,
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
    ...modules,
    `# The image's user, written as text: scratch has no adduser, and no home or shell is needed.`,
    `RUN mkdir -p /out/etc \\`,
    ` && printf 'root:x:0:0:root:/root:/sbin/nologin\\n${p.user}:x:${p.uid}:${p.uid}:${p.user}:/nonexistent:/sbin/nologin\\n' > /out/etc/passwd \\`,
    ` && printf 'root:x:0:\\n${p.user}:x:${p.uid}:\\n' > /out/etc/group`,
    ``,
    ...(p.vendor ? [`# vendor/ comes with the sources: -mod=vendor builds from it, with no download and no network.`] : []),
    `COPY . .`,
    `# Static (CGO_ENABLED=0), reproducible (-trimpath), stripped (-s -w), for the target platform;`,
    `# timetzdata embeds the time zone database that scratch lacks (about 450 KB), as goscratch build does.`,
    `RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\`,
    `    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \\`,
    `    go build ${goBuildFlags(p)} -o ${out} ${p.package}`,
    ``,
    `# Nothing but the binary, its user and CA certificates.`,
    `FROM scratch`,
    `COPY --from=build /out/etc/passwd /out/etc/group /etc/`,
    `# Without CA certificates HTTPS calls fail with "x509: certificate signed by unknown authority".`,
    `COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`,
    `COPY --from=build ${out} ${binaryPath(p)}`,
    `# Numeric, so Kubernetes runAsNonRoot can verify that it is not root.`,
    `USER ${p.uid}:${p.uid}`,
    ...expose,
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

/**
 * goscratch.mk: goscratch's image targets, for the project's Makefile to include (or to
 * run with make -f). Its names cannot clash with a project's: variables start with
 * GOSCRATCH_, targets with image, and it leaves the including Makefile's default goal alone.
 */
export function makeFragment(p: InitPlan): string {
  const build = '$(GOSCRATCH) build $(GOSCRATCH_MAIN) --platform $(GOSCRATCH_PLATFORMS)';
  const ref = '$(GOSCRATCH_IMAGE):$(GOSCRATCH_TAG)';
  return [
    `# goscratch's image targets for ${p.module}, written by goscratch init.`,
    `# Include it from the project's Makefile (include ${MAKE_FRAGMENT}) or run it alone (make -f ${MAKE_FRAGMENT} image).`,
    `# Variables can be set per run: make image-push GOSCRATCH_IMAGE=registry.example.com/team/${imageName(p)} GOSCRATCH_TAG=v1.0.0`,
    `# goscratch from PATH, or as given (GOSCRATCH=node_modules/.bin/goscratch); never through npx,`,
    `# which fetches whatever package has that name from the registry when none is installed.`,
    `GOSCRATCH ?= goscratch`,
    `GOSCRATCH_MAIN ?= ${p.package}`,
    `GOSCRATCH_IMAGE ?= ${imageName(p)}`,
    `GOSCRATCH_TAG ?= latest`,
    `GOSCRATCH_PLATFORMS ?= ${p.platforms.join(',')}`,
    `DOCKER ?= docker`,
    ``,
    `# These targets must not become the default goal of a Makefile that includes this file first.`,
    `GOSCRATCH_DEFAULT_GOAL := $(.DEFAULT_GOAL)`,
    ``,
    `.PHONY: image image-push image-docker image-lint`,
    ``,
    `# A FROM-scratch image archive for every platform, without a Docker daemon.`,
    `image:`,
    `\tmkdir -p bin`,
    `\t${build} --tag ${ref} --tarball bin/${p.binary}.tar`,
    ``,
    `# The same image pushed to a registry.`,
    `image-push:`,
    `\t${build} --push ${ref}`,
    ``,
    `# The image through the Dockerfile (this machine's platform; docker buildx build --platform ... --push for all).`,
    `image-docker:`,
    `\t$(DOCKER) build -t ${ref} .`,
    ``,
    `image-lint:`,
    `\t$(GOSCRATCH) lint Dockerfile`,
    ``,
    `.DEFAULT_GOAL := $(GOSCRATCH_DEFAULT_GOAL)`,
    ``,
  ].join('\n');
}

/** A Makefile for a project that has none: the everyday Go targets, plus goscratch.mk's. */
export function makefile(p: InitPlan): string {
  return [
    `# Written by goscratch init. The image targets (image, image-push, image-docker, image-lint) are in ${MAKE_FRAGMENT}.`,
    `include ${MAKE_FRAGMENT}`,
    ``,
    `.PHONY: build lint test clean`,
    ``,
    `# A static binary for this machine, built as in the image.`,
    `build:`,
    `\tCGO_ENABLED=0 go build ${goBuildFlags(p)} -o bin/${p.binary} $(GOSCRATCH_MAIN)`,
    ``,
    `lint: image-lint`,
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
