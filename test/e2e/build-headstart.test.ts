/**
 * The head start (src/golang/headstart.ts): `goscratch build` starts the go build the
 * same command line ran last time before its pipeline loads, and takes it only when it
 * is the very compile the pipeline works out. `go` is a script that logs each go
 * command and then runs the real go, so each test sees how many go builds ran.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { writeModule } from '../helpers/fixtures.js';
import { execOk } from '../helpers/exec.js';
import { layoutImages, readImageFile } from '../helpers/oci.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { loggingGo, type LoggingGo } from '../helpers/gowrapper.js';
import { markerScript } from '../helpers/marker.js';
import { needTools } from '../helpers/tools.js';

describe('goscratch build: the head start', needTools('go'), () => {
  let dir = '';
  let src = '';
  let go: LoggingGo;
  let n = 0;
  before(async () => {
    dir = await makeTempDir('e2e-headstart');
    src = await writeModule(join(dir, 'src'), { 'main.go': 'package main\n\nimport "fmt"\n\nvar color = "plain"\n\nfunc main() { fmt.Println(color) }\n' });
    go = await loggingGo(dir);
  });
  after(() => removeTree(dir));

  /** One build into a fixed layout path (the command line stays the same): what its binary prints, and how many go builds ran. */
  async function build(): Promise<{ builds: number; out: string }> {
    await go.reset();
    const layout = join(dir, 'layout');
    await rm(layout, { recursive: true, force: true });
    const r = await goscratch(['build', '.', '--oci-layout', layout, '--sbom', 'none'], { cwd: src, env: { GOSCRATCH_GO: go.go, GOSCRATCH_CACHE: join(dir, 'cache') } });
    assert.equal(r.code, 0, r.stderr);
    const [img] = await layoutImages(layout);
    const bin = join(dir, `bin-${n++}`);
    await writeFile(bin, (await readImageFile(layout, img!.manifest, img!.config.config.Entrypoint![0]!))!, { mode: 0o755 });
    const ran = await go.ran();
    return { builds: ran.filter((c) => c === 'build').length, out: (await execOk(bin, [])).stdout.trim() };
  }

  /** The head start records in the cache (lists/ also holds go list answers). */
  async function records(): Promise<string[]> {
    const lists = join(dir, 'cache', 'lists');
    const out = [];
    for (const f of await readdir(lists)) {
      const text = await readFile(join(lists, f), 'utf8').catch(() => '');
      if (text.includes('"args"')) out.push(join(lists, f));
    }
    return out;
  }

  it('takes the go build it started when it is the same, and stops a stale one: the image always has the current binary', async () => {
    assert.deepEqual(await build(), { builds: 1, out: 'plain' }, 'first build: no head start yet');
    // A record exists now, so a head start runs (the stale case below shows it): one go
    // build in all means the pipeline took it rather than running go itself.
    assert.deepEqual(await build(), { builds: 1, out: 'plain' }, 'the head start was the build: go ran once');
    // goscratch.yaml changes the compile: the head start (the old one) is stopped and go runs again.
    await writeFile(join(src, 'goscratch.yaml'), 'build:\n  ldflags: ["-X main.color=red"]\n');
    assert.deepEqual(await build(), { builds: 2, out: 'red' }, 'a stale head start is stopped, never used');
    assert.deepEqual(await build(), { builds: 1, out: 'red' }, 'the new compile is the head start now');
    // A source edit: the same compile, so the head start does it.
    await writeFile(join(src, 'main.go'), 'package main\n\nimport "fmt"\n\nvar color = "plain"\n\nfunc main() { fmt.Println(color, "edited") }\n');
    assert.deepEqual(await build(), { builds: 1, out: 'red edited' });
  });

  it('runs no record that names another program or a flag that runs one', async () => {
    const evil = await markerScript(dir, 'evil');
    const [file] = await records();
    assert.ok(file, 'a record was kept');
    const kept = JSON.parse(await readFile(file, 'utf8')) as { go: string; args: string[]; env: Array<[string, string | null]> };
    const tampered = [
      { ...kept, go: evil.script },
      { ...kept, args: ['build', `-toolexec=${evil.script}`, ...kept.args.slice(1)] },
      { ...kept, args: kept.args.map((a, i) => (kept.args[i - 1] === '-o' ? join(dir, 'elsewhere') + '/' : a)) },
      { ...kept, env: [...kept.env, ['CC', evil.script]] },
      { ...kept, env: [...kept.env, ['GOFLAGS', `-toolexec=${evil.script}`]] },
    ];
    for (const record of tampered) {
      await writeFile(file, JSON.stringify(record));
      assert.deepEqual(await build(), { builds: 1, out: 'red edited' }, JSON.stringify(record).slice(0, 200));
      assert.equal(await evil.ran(), false, 'the named program never ran');
      assert.equal(existsSync(join(dir, 'elsewhere')), false, 'nothing was written outside the cache');
    }
  });
});
