/**
 * Rebuilding after a change: goscratch keeps `go list` answers between runs, and an
 * unchanged rebuild asks go for none; each change that can alter the answer (an edited
 * file, a new main package under ./cmd/..., a new imported package, go.mod, GOFLAGS)
 * makes goscratch ask again, and the image's binaries show the change. `go` logs
 * each go command it runs (helpers/gowrapper.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { goscratch } from '../helpers/run.js';
import { writeModule } from '../helpers/fixtures.js';
import { execOk } from '../helpers/exec.js';
import { layoutImages, readImageFile } from '../helpers/oci.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { loggingGo, type LoggingGo } from '../helpers/gowrapper.js';
import { needTools } from '../helpers/tools.js';

const main = (name: string) => `package main

import (
	"fmt"

	"example.com/app/internal/greet"
)

var color = "plain"

func main() {
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i })
	}
	// The loop variable is one per iteration from go 1.22 on: go.mod's go line shows.
	fmt.Println("${name}", greet.Word(), color, fs[0]())
}
`;

describe('goscratch build after a change', needTools('go'), () => {
  let dir = '';
  let src = '';
  let go: LoggingGo;
  let n = 0;
  before(async () => {
    dir = await makeTempDir('e2e-incremental');
    src = await writeModule(join(dir, 'src'), {
      'cmd/hello/main.go': main('hello'),
      'cmd/hello/red.go': '//go:build red\n\npackage main\n\nfunc init() { color = "red" }\n',
      'internal/greet/greet.go': 'package greet\n\nfunc Word() string { return "one" }\n',
    });
    go = await loggingGo(dir);
  });
  after(() => removeTree(dir));

  /**
   * Builds ./cmd/... and runs every image's binary: their output by binary, and the go
   * commands the build ran. Files changed within two seconds are never trusted, so a
   * build right after a change would never keep its answer: wait that long first.
   */
  async function build(env: Record<string, string> = {}): Promise<{ ran: string[]; out: Record<string, string> }> {
    await sleep(2_100);
    await go.reset();
    const layout = join(dir, `layout-${n++}`);
    const r = await goscratch(['build', './cmd/...', '--oci-layout', layout, '--sbom', 'none'], { cwd: src, env: { GOSCRATCH_GO: go.go, GOSCRATCH_CACHE: join(dir, 'cache'), ...env } });
    assert.equal(r.code, 0, r.stderr);
    const out: Record<string, string> = {};
    for (const img of await layoutImages(layout)) {
      const path = img.config.config.Entrypoint![0]!;
      const bin = join(dir, `bin-${n}-${basename(path)}`);
      await writeFile(bin, (await readImageFile(layout, img.manifest, path))!, { mode: 0o755 });
      out[path] = (await execOk(bin, [])).stdout.trim();
    }
    return { ran: await go.ran(), out };
  }

  /** After a change: go is asked again, the binaries show it, and a rebuild asks go nothing more. */
  async function changed(what: string, want: Record<string, string>, env: Record<string, string> = {}): Promise<void> {
    const first = await build(env);
    assert.ok(first.ran.includes('list'), `${what}: go list runs again (${first.ran.join(' ')})`);
    assert.deepEqual(first.out, want, what);
    const again = await build(env);
    assert.ok(!again.ran.includes('list'), `${what}, unchanged since: no go list (${again.ran.join(' ')})`);
    assert.deepEqual(again.out, want, `${what}, rebuilt`);
  }

  it('asks go again exactly when something it answered can have changed, and the image shows each change', async () => {
    await changed('first build', { '/usr/local/bin/hello': 'hello one plain 0' });
    await writeFile(join(src, 'internal/greet/greet.go'), 'package greet\n\nfunc Word() string { return "two" }\n');
    await changed('an edited file of an imported package', { '/usr/local/bin/hello': 'hello two plain 0' });
    await writeModule(src, { 'cmd/bye/main.go': main('bye') });
    await changed('a new main package under cmd/', { '/usr/local/bin/hello': 'hello two plain 0', '/usr/local/bin/bye': 'bye two plain 0' });
    await writeModule(src, {
      'internal/extra/extra.go': 'package extra\n\nconst Word = "three"\n',
      'internal/greet/greet.go': 'package greet\n\nimport "example.com/app/internal/extra"\n\nfunc Word() string { return extra.Word }\n',
    });
    await changed('a new imported package', { '/usr/local/bin/hello': 'hello three plain 0', '/usr/local/bin/bye': 'bye three plain 0' });
    await writeFile(join(src, 'go.mod'), 'module example.com/app\n\ngo 1.21\n');
    await changed('go.mod\'s go line', { '/usr/local/bin/hello': 'hello three plain 3', '/usr/local/bin/bye': 'bye three plain 3' });
    await changed('GOFLAGS=-tags=red', { '/usr/local/bin/hello': 'hello three red 3', '/usr/local/bin/bye': 'bye three plain 3' }, { GOFLAGS: '-tags=red' });
  });
});
