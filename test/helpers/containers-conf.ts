/**
 * A private containers/storage setup for podman and buildah, in a temp directory and
 * selected through CONTAINERS_CONF / CONTAINERS_STORAGE_CONF, so tests never touch the
 * machine's own store and can run beside each other. Settings from ENVIRONMENT.md:
 * vfs storage, runc with cgroupfs, a file events logger, and default ulimits at or
 * below the host's hard limits (podman may not raise them here).
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTree } from './tmp.js';

export interface ContainersEnv {
  dir: string;
  /** CONTAINERS_CONF, CONTAINERS_STORAGE_CONF and friends, to add to a tool's environment. */
  env: Record<string, string>;
  remove(): Promise<void>;
}

/** The hard limit of `name` ("Max open files") for this process, capped at `cap`. */
async function hostLimit(name: string, cap: number): Promise<number> {
  const line = (await readFile('/proc/self/limits', 'utf8')).split('\n').find((l) => l.startsWith(name));
  const hard = line?.slice(26).trim().split(/\s+/)[1];
  return hard && /^\d+$/.test(hard) ? Math.min(Number(hard), cap) : cap;
}

export async function containersEnv(prefix: string): Promise<ContainersEnv> {
  const dir = await makeTempDir(prefix);
  const p = (name: string): string => join(dir, name);
  await Promise.all(['tmp', 'cni', 'run'].map((d) => mkdir(p(d))));
  const nofile = await hostLimit('Max open files', 20000);
  const nproc = await hostLimit('Max processes', 32768);
  await writeFile(
    p('containers.conf'),
    [
      '[containers]',
      `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
      '[network]',
      `network_config_dir = "${p('cni')}"`,
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${p('events.log')}"`,
      // File locks under tmp_dir: the default shm segment is shared by every podman.
      'lock_type = "file"',
      `tmp_dir = "${p('tmp')}"`,
      `static_dir = "${p('graph/libpod')}"`,
      `volume_path = "${p('graph/volumes')}"`,
      '',
    ].join('\n'),
  );
  await writeFile(
    p('storage.conf'),
    ['[storage]', 'driver = "vfs"', `graphroot = "${p('graph')}"`, `runroot = "${p('run')}"`, ''].join('\n'),
  );
  // No search registries: an unqualified name never turns into a pull from the network.
  await writeFile(p('registries.conf'), 'unqualified-search-registries = []\n');
  return {
    dir,
    env: {
      CONTAINERS_CONF: p('containers.conf'),
      CONTAINERS_STORAGE_CONF: p('storage.conf'),
      CONTAINERS_REGISTRIES_CONF: p('registries.conf'),
      BUILDAH_ISOLATION: 'chroot',
      TMPDIR: p('tmp'),
    },
    remove: () => removeTree(dir),
  };
}
