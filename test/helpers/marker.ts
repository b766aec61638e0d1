/**
 * A script that leaves a marker file when anything runs it: the proof that goscratch
 * did, or did not, let data run a program (`-toolexec=<script>`, `CC=<script>`). It
 * then runs its arguments, so as a -toolexec wrapper the build still works.
 */
import { access, chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Marker {
  script: string;
  marker: string;
  /** Whether the script has run. */
  ran(): Promise<boolean>;
}

export async function markerScript(dir: string, name = 'hook.sh'): Promise<Marker> {
  const script = join(dir, name);
  const marker = join(dir, `${name}.ran`);
  await writeFile(script, `#!/bin/sh\ntouch '${marker}'\n[ $# -gt 0 ] && exec "$@"\nexit 0\n`);
  await chmod(script, 0o755);
  return { script, marker, ran: () => access(marker).then(() => true, () => false) };
}
