/**
 * Writable paths for the app user, under runc as uid 10001: an app (like a registry
 * storing uploads) writes to /data, to its working directory and to a config file it
 * owns; everything else stays root's and read-only. Without them, the same app gets
 * "no such file or directory" or "permission denied", as it did before these settings.
 * A VOLUME is checked under podman, which fills a new volume from the image's
 * directory, owner included (umoci turns a VOLUME into a root-owned tmpfs instead).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { writeModule } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, requireTool } from '../helpers/tools.js';
import { layoutImages } from '../helpers/oci.js';
import { runImage } from '../helpers/runc.js';
import { freePort, waitForHttp } from '../helpers/http.js';
import { processIds } from '../helpers/process.js';
import { Podman } from '../helpers/podman.js';

/** GET /write?path=P writes P and answers "ok", or the error. */
const APP = `package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		if err := os.WriteFile(r.URL.Query().Get("path"), []byte("x"), 0o644); err != nil {
			fmt.Fprintln(w, err)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	if err := http.ListenAndServe(os.Getenv("ADDR"), nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`;

const CONFIG = [
  'image:',
  '  workdir: /srv/app',
  '  dirs: ["/data:0700"]',
  '  files:',
  '    - {src: conf, dst: /etc/app, owner: user, mode: "0644"}',
  '    - {src: static, dst: /srv/static}',
  '',
].join('\n');

describe('writable paths: dirs, volumes, the workdir and owned files, under runc as uid 10001', needTools('go', 'umoci', 'runc'), () => {
  let dir = '';
  let app = '';

  /** Builds `app` with `args` into its own layout and returns what writing each path answers, run as the image's user. */
  async function writes(name: string, args: string[], paths: string[]): Promise<Record<string, string>> {
    const layout = join(dir, name);
    const r = await goscratch(['build', '.', '--oci-layout', layout, '-t', `app:${name}`, ...args], { cwd: app });
    assert.equal(r.code, 0, r.stderr);
    const port = await freePort();
    const c = await runImage(layout, name, { env: [`ADDR=127.0.0.1:${port}`] });
    try {
      const out: Record<string, string> = {};
      for (const p of paths) out[p] = (await waitForHttp(`http://127.0.0.1:${port}/write?path=${encodeURIComponent(p)}`, { alive: c.exited })).body.trim();
      assert.deepEqual(processIds(c.pid), { uid: 10001, gid: 10001 });
      return out;
    } finally {
      await c.stop();
    }
  }

  before(async () => {
    dir = await makeTempDir('e2e-writable');
    app = await writeModule(join(dir, 'app'), { 'main.go': APP, 'conf/app.conf': 'level: info\n', 'static/index.html': '<p>hi</p>\n' }, 'example.com/app');
  });
  after(() => removeTree(dir));

  it('without writable paths the app can write nothing but /tmp', async () => {
    assert.deepEqual(await writes('plain', [], ['/data/blob', 'out.txt', '/tmp/ok']), {
      '/data/blob': 'open /data/blob: no such file or directory',
      'out.txt': 'open out.txt: permission denied',
      '/tmp/ok': 'ok',
    });
  });

  it('-w /data alone makes the working directory the app user\'s', async () => {
    assert.deepEqual(await writes('workdir', ['-w', '/data'], ['/data/blob', 'out.txt']), { '/data/blob': 'ok', 'out.txt': 'ok' });
  });

  it('with goscratch.yaml\'s dirs, workdir and owned file, and --dir, the app writes there and nowhere else', async () => {
    await writeModule(app, { 'goscratch.yaml': CONFIG }, 'example.com/app');
    const answers = await writes('configured', ['--dir', '/var/cache/app'], [
      '/data/blob', 'out.txt', '/srv/app/state', '/etc/app/app.conf', '/var/cache/app/x',
      '/srv/static/index.html', '/srv/static/new', '/etc/app/new', '/etc/passwd', '/x', '/usr/local/bin/app',
    ]);
    assert.deepEqual(answers, {
      '/data/blob': 'ok',
      'out.txt': 'ok',
      '/srv/app/state': 'ok',
      '/etc/app/app.conf': 'ok',
      '/var/cache/app/x': 'ok',
      '/srv/static/index.html': 'open /srv/static/index.html: permission denied',
      '/srv/static/new': 'open /srv/static/new: permission denied',
      '/etc/app/new': 'ok',
      '/etc/passwd': 'open /etc/passwd: permission denied',
      '/x': 'open /x: permission denied',
      '/usr/local/bin/app': 'open /usr/local/bin/app: permission denied',
    });
    const [image] = await layoutImages(join(dir, 'configured'));
    assert.equal(image?.config.config.WorkingDir, '/srv/app');
    assert.equal(image?.config.config.Volumes, undefined);
  });

  it('--volume declares a VOLUME whose directory is the app user\'s: podman\'s new volume starts writable for it', async (t) => {
    if (!requireTool(t, 'podman')) return;
    const tarball = join(dir, 'volume.tar');
    const r = await goscratch(['build', '.', '--tarball', tarball, '-t', 'app:volume', '--volume', '/var/lib/app'], { cwd: app });
    assert.equal(r.code, 0, r.stderr);
    const podman = await Podman.create();
    try {
      await podman.load(tarball);
      const config = JSON.parse((await podman.ok(['image', 'inspect', '--format', '{{json .Config.Volumes}}', 'app:volume'])).stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(config), ['/var/lib/app']);
      const port = await freePort();
      const c = await podman.run('app:volume', { env: [`ADDR=127.0.0.1:${port}`] });
      try {
        assert.equal((await waitForHttp(`http://127.0.0.1:${port}/write?path=/var/lib/app/blob`, { alive: c.exited })).body.trim(), 'ok');
        const mounts = (await podman.ok(['inspect', '--format', '{{range .Mounts}}{{.Destination}} {{end}}', c.id])).stdout.trim();
        assert.equal(mounts, '/var/lib/app', 'the write went to a volume');
      } finally {
        await c.stop();
      }
    } finally {
      await podman.cleanup();
    }
  });
});
