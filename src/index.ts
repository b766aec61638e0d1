/**
 * goscratch as a library: the image model, its sources and sinks, the Go build
 * source, and the pure transforms. The CLI is a thin layer over these.
 */
export * from './image/model.js';
export { bufferLayer, fileLayer } from './image/layer.js';
export { buildLayer, type LayerEntry, type LayerOptions } from './image/layerbuilder.js';
export { appendLayers, emptyImage, mergeEnv, setAnnotations, setContainerConfig, setCreated, setIndexAnnotations } from './image/mutate.js';
export { DEFAULT_USER, baseEntries, groupText, passwdText, type AppUser } from './image/scratch.js';
export { readLayout, writeLayout } from './io/layout.js';
export { readArchive, writeArchive, writeArchiveImages } from './io/archive.js';
export { openArtifact, openSource, selectImages, type Source } from './io/source.js';
export { pushArtifact, pushReferrer, type PushOptions, type PushResult } from './io/registry/push.js';
export { openRemote, pullIntoLayout } from './io/registry/index.js';
export type { RegistryOptions } from './io/registry/session.js';
export { findEngine, loadIntoEngine, type Engine } from './io/engine.js';
export { archiveSink, engineSink, layoutSink, registrySink, type Published, type Sink, type SinkImage } from './publish/sinks.js';
export { attachSboms, checkSinks, publishAll } from './publish/publish.js';
export { parseReference, Reference } from './oci/reference.js';
export { MediaType } from './oci/mediatypes.js';
export { formatPlatform, parsePlatform } from './oci/platform.js';
export type { Descriptor, ImageConfig, Index, Manifest, Platform } from './oci/types.js';
export { buildArtifact, buildImages, type BuildResult } from './gobuild/pipeline.js';
export { resolveSettings, type BuildFlags, type BuildSettings } from './gobuild/settings.js';
export { runtimeEnv } from './runtime/env.js';
export type { Finding, RuleInfo, Severity } from './findings/model.js';
export { BuildError, GoscratchError, InputError, UsageError } from './util/errors.js';
export { RegistryError, GaveUpError } from './io/registry/errors.js';
export type { Logger } from './util/log.js';
