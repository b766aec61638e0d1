// Platform lists a build takes: an index must hold an image the engines select on
// the host. Docker 20.10, containerd 1.6, podman 4.3 and skopeo 1.9 select, on amd64,
// only an entry `linux/amd64` without a variant; `linux/amd64/v3` alone is invisible
// to them ("no matching manifest for linux/amd64").
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings } from '../../src/gobuild/settings.js';
import { formatPlatform, parsePlatform } from '../../src/oci/platform.js';
import { UsageError } from '../../src/util/errors.js';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gs-platform-'));
  made.push(dir);
  writeFileSync(join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
  return dir;
}

const platforms = async (list: string): Promise<string[]> => (await resolveSettings(project(), { platform: list }, {})).platforms.map(formatPlatform);

test('an index whose only amd64 image is a v2+ variant is refused, saying what engines select and what to do', async () => {
  for (const list of ['linux/amd64/v3,linux/arm64', 'linux/arm64,linux/amd64/v2', 'linux/amd64/v3,linux/amd64/v4']) {
    await assert.rejects(platforms(list), (e: unknown) => {
      assert.ok(e instanceof UsageError, `${list}: a usage error, got ${String(e)}`);
      assert.match(e.message, /no matching manifest/);
      assert.match(e.message, /linux\/amd64,linux\/amd64\/v/);
      return true;
    });
  }
});

test('a baseline amd64 image beside the variant, or the variant alone (a single image), is accepted', async () => {
  assert.deepEqual(await platforms('linux/amd64,linux/amd64/v3'), ['linux/amd64', 'linux/amd64/v3']);
  assert.deepEqual(await platforms('linux/amd64/v3'), ['linux/amd64/v3']);
  assert.deepEqual(await platforms('linux/arm64,linux/arm/v7'), ['linux/arm64', 'linux/arm/v7']);
});

test('linux/amd64/v1 is linux/amd64 (GOAMD64=v1 is the default), as containerd normalises it', async () => {
  assert.deepEqual(parsePlatform('linux/amd64/v1'), { os: 'linux', architecture: 'amd64' });
  await assert.rejects(platforms('linux/amd64,linux/amd64/v1'), UsageError);
});
