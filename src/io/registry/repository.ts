/**
 * The OCI Distribution API calls on one repository: blobs (HEAD, GET, mount, upload
 * sessions) and manifests (GET, PUT). Each call is one request; retries and resumes
 * live in upload.ts, push.ts and pull.ts.
 */
import { MediaType } from '../../oci/mediatypes.js';
import { sha256 } from '../../oci/digest.js';
import { InputError } from '../../util/errors.js';
import type { RegistrySession } from './session.js';
import type { Body, HeaderMap } from './transport.js';
import { RegistryError } from './errors.js';
import { parseJsonObject } from './json.js';

/** The largest manifest or index goscratch reads, as distribution accepts. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Every manifest type goscratch understands, for the Accept header. */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
  MediaType.dockerManifestV1Signed,
  MediaType.dockerManifestV1,
].join(', ');

export interface FetchedManifest {
  mediaType: string;
  bytes: Buffer;
  digest: string;
}

export class Repository {
  readonly scopes: readonly string[];

  constructor(readonly session: RegistrySession, readonly name: string, push: boolean) {
    this.scopes = [`repository:${name}:${push ? 'pull,push' : 'pull'}`];
  }

  get fullName(): string {
    return `${this.session.registry}/${this.name}`;
  }

  async blobExists(digest: string): Promise<boolean> {
    const r = await this.session.request({
      method: 'HEAD', url: `/v2/${this.name}/blobs/${digest}`, scopes: this.scopes, ok: [200, 404], what: `checking blob ${digest} in ${this.fullName}`,
    });
    return r.status === 200;
  }

  /** Mounts a blob from another repository of the same registry; else returns an upload location. */
  async mountBlob(digest: string, from: string): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const r = await this.session.request({
      method: 'POST',
      url: `/v2/${this.name}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      scopes: [...this.scopes, `repository:${from}:pull`],
      ok: [201, 202],
      what: `mounting blob ${digest} from ${from} into ${this.fullName}`,
    });
    if (r.status === 201) return { mounted: true };
    return { mounted: false, location: this.location(r.headers, r.url) };
  }

  async startUpload(): Promise<string> {
    const r = await this.session.request({
      method: 'POST', url: `/v2/${this.name}/blobs/uploads/`, scopes: this.scopes, ok: [202], what: `starting an upload to ${this.fullName}`,
    });
    return this.location(r.headers, r.url);
  }

  /** Bytes the registry holds of an upload session, or undefined when the session is gone. */
  async uploadOffset(location: string): Promise<{ offset: number; location: string } | undefined> {
    const r = await this.session.request({ method: 'GET', url: location, scopes: this.scopes, ok: [204, 404], what: `checking an upload to ${this.fullName}` });
    if (r.status === 404) return undefined;
    const m = /^(?:bytes=)?(\d+)-(\d+)$/.exec(r.headers.get('range') ?? '');
    const offset = m?.[2] ? Number(m[2]) + 1 : 0;
    return { offset, location: this.location(r.headers, r.url, location) };
  }

  /** Appends bytes [offset, offset+length) to an upload session; returns the next location. */
  async patch(location: string, offset: number, length: number, body: Body, what: string): Promise<string> {
    const r = await this.session.request({
      method: 'PATCH',
      url: location,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(length), 'content-range': `${offset}-${offset + length - 1}` },
      body,
      scopes: this.scopes,
      ok: [202],
      what,
    });
    return this.location(r.headers, r.url, location);
  }

  /** Completes an upload, with the last (or only) bytes as the body. */
  async completeUpload(location: string, digest: string, body: { length: number; data: Body } | undefined, what: string): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(body?.length ?? 0) };
    const r = await this.session.request({ method: 'PUT', url: url.toString(), headers, body: body?.data ?? Buffer.alloc(0), scopes: this.scopes, ok: [201], what });
    const got = r.headers.get('docker-content-digest');
    if (got && got !== digest) throw new RegistryError(`${what}: the registry stored ${got}, not ${digest}`, { status: r.status });
  }

  /** A manifest or index, read only up to `maxBytes` (its descriptor's size when known). */
  async getManifest(reference: string, maxBytes = MAX_MANIFEST_BYTES): Promise<FetchedManifest> {
    const r = await this.session.request({
      method: 'GET', url: `/v2/${this.name}/manifests/${reference}`, headers: { accept: MANIFEST_ACCEPT }, scopes: this.scopes, ok: [200],
      what: `fetching manifest ${reference} of ${this.fullName}`, maxBytes: Math.min(maxBytes, MAX_MANIFEST_BYTES),
    });
    const bytes = r.body;
    const digest = sha256(bytes);
    let mediaType = (r.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const parsed = parseJsonObject(bytes, `manifest ${reference} of ${this.fullName}`);
    if (parsed.schemaVersion === 1 || mediaType === MediaType.dockerManifestV1Signed || mediaType === MediaType.dockerManifestV1) {
      throw new InputError(`${this.fullName}:${reference} uses Docker image manifest schema 1, which is deprecated and not supported: push it again with a current client (docker >= 1.10, skopeo, crane) to get schema 2 or OCI`);
    }
    if (typeof parsed.mediaType === 'string' && parsed.mediaType) mediaType = parsed.mediaType;
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new RegistryError(`manifest ${reference} of ${this.fullName}: the registry sent content with digest ${digest}`, { status: r.status });
    }
    const claimed = r.headers.get('docker-content-digest');
    if (claimed && claimed.startsWith('sha256:') && claimed !== digest) {
      throw new RegistryError(`manifest ${reference} of ${this.fullName}: the registry says ${claimed} but the content hashes to ${digest}`, { status: r.status });
    }
    return { mediaType, bytes, digest };
  }

  /** Returns the `OCI-Subject` header: set when the registry indexed the subject (referrers API). */
  async putManifest(reference: string, bytes: Buffer, mediaType: string): Promise<{ subject?: string }> {
    const r = await this.session.request({
      method: 'PUT', url: `/v2/${this.name}/manifests/${reference}`, headers: { 'content-type': mediaType }, body: bytes, scopes: this.scopes, ok: [201],
      what: `pushing manifest ${reference} to ${this.fullName}`,
    });
    const got = r.headers.get('docker-content-digest');
    const want = sha256(bytes);
    if (got && got !== want) throw new RegistryError(`pushing manifest ${reference} to ${this.fullName}: the registry stored ${got}, not ${want}`, { status: r.status });
    const subject = r.headers.get('oci-subject');
    return subject ? { subject } : {};
  }

  /** HEAD on a manifest: its digest, or undefined when absent. */
  async manifestDigest(reference: string): Promise<string | undefined> {
    const r = await this.session.request({
      method: 'HEAD', url: `/v2/${this.name}/manifests/${reference}`, headers: { accept: MANIFEST_ACCEPT }, scopes: this.scopes, ok: [200, 404],
      what: `checking manifest ${reference} of ${this.fullName}`,
    });
    return r.status === 200 ? (r.headers.get('docker-content-digest') ?? undefined) : undefined;
  }

  /** A small blob (a config) read whole, at most `maxBytes` of it. */
  async getBlob(digest: string, maxBytes: number): Promise<Buffer> {
    const r = await this.session.request({ method: 'GET', url: `/v2/${this.name}/blobs/${digest}`, scopes: this.scopes, ok: [200], what: `fetching blob ${digest} of ${this.fullName}`, maxBytes });
    return r.body;
  }

  /** Streams a blob from byte `offset` on; a 200 answer (the registry ignored the Range) starts at 0. */
  async openBlob(digest: string, offset = 0): Promise<{ start: number; length?: number; body: AsyncIterable<Uint8Array> }> {
    const r = await this.session.stream({
      method: 'GET', url: `/v2/${this.name}/blobs/${digest}`, headers: offset > 0 ? { range: `bytes=${offset}-` } : {}, scopes: this.scopes, ok: [200, 206],
      what: `fetching blob ${digest} of ${this.fullName}`,
    });
    const start = r.status === 206 ? Number(/^bytes (\d+)-/.exec(r.headers.get('content-range') ?? '')?.[1] ?? NaN) : 0;
    const length = r.headers.get('content-length');
    return { start, ...(length !== null ? { length: Number(length) } : {}), body: r.body };
  }

  private location(headers: HeaderMap, requestUrl: string, fallback?: string): string {
    const loc = headers.get('location') ?? fallback;
    if (!loc) throw new RegistryError(`${this.fullName}: the registry started an upload without a Location`, { status: 0 });
    const url = URL.canParse(loc, requestUrl) ? new URL(loc, requestUrl) : undefined;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new RegistryError(`${this.fullName}: the registry gave the upload location ${JSON.stringify(loc.slice(0, 200))}, which is not an http(s) URL`, { status: 0 });
    }
    return url.toString();
  }
}
