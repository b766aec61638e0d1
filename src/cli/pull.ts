/**
 * `goscratch pull REF DEST`. The registry client loads when the command runs, and the
 * archive writer only for an archive.
 */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { resolve } from 'node:path';
import type { PullOptions } from '../io/registry/pull.js';
import { formatPlatform, parsePlatform } from '../oci/platform.js';
import { parseReference } from '../oci/reference.js';
import type { Platform } from '../oci/types.js';
import { configureLog, log } from './ui/log.js';
import { jobsOption, insecureRegistryOption, registryOptions } from './options.js';


type Format = 'oci-layout' | 'tarball';

export function pullCommand(): CommandUnknownOpts {
  return new Command('pull')
    .description('Pull an image or index from a registry into an OCI layout directory or an archive')
    .argument('<ref>', 'image reference, e.g. registry.example.com/team/app:v1 or ...@sha256:...')
    .argument('<dest>', 'OCI layout directory, or an archive file (.tar)')
    .option('--platform <os/arch[/variant]>', 'pick one platform from an index (default: the whole index)')
    .addOption(new Option('--format <format>', 'what DEST is (default: tarball for *.tar, else oci-layout)').choices(['oci-layout', 'tarball'] as const))
    .option('--preserve-digests', 'keep the registry\'s bytes and digests (Docker media types are converted to OCI otherwise)')
    .option('-j, --jobs <n>', 'blobs downloaded at once (default 4)', jobsOption)
    .addOption(insecureRegistryOption())
    .addOption(new Option('--json', 'print the result as JSON'))
    .option('-q, --quiet', 'print only the digest')
    .action(async (ref, dest, o) => {
      const loading = Promise.all([import('../io/registry/pull.js'), import('../io/outputs.js'), import('./ui/transfer.js')]);
      configureLog({ quiet: Boolean(o.quiet || o.json) });
      const source = parseReference(ref);
      const platform = o.platform ? parsePlatform(o.platform) : undefined;
      const format: Format = o.format ?? (/\.tar$/i.test(dest) ? 'tarball' : 'oci-layout');
      const [{ openForPull, pullIntoLayout }, { checkOutputs }, { createProgress }] = await loading;
      const progress = await createProgress();
      const opts: PullOptions = {
        ...(platform ? { platform } : {}),
        ...(o.jobs ? { jobs: o.jobs } : {}),
        ...(o.preserveDigests ? { preserveDigests: true } : {}),
        ...registryOptions(o),
        onProgress: (p) => progress.pull(p),
      };
      // The layout or archive names the image as pulled (tag references only).
      const tags = source.tag && !source.digest ? [source.toString()] : [];
      const out = resolve(dest);
      await checkOutputs(format === 'tarball' ? { tarball: out } : { layout: out });
      let pulled: { digest: string; sourceDigest: string; platforms: readonly Platform[] };
      try {
        if (format === 'tarball') {
          // Each layer streams from the registry straight into the archive.
          const [{ artifact, sourceDigest }, { writeArchive }, { imagesOf }] = await Promise.all([openForPull(source, opts), import('../io/archive.js'), import('../image/model.js')]);
          await writeArchive(out, artifact, { tags });
          pulled = { digest: artifact.digest, sourceDigest, platforms: imagesOf(artifact).map((i) => i.platform) };
        } else {
          pulled = await pullIntoLayout(source, out, { ...opts, tags });
        }
      } finally {
        progress.stop();
      }
      const platforms = pulled.platforms.map(formatPlatform);
      log.info(`pulled ${source.toString()} (${platforms.join(', ')}) into ${out}`);
      if (pulled.digest !== pulled.sourceDigest) log.info(`converted Docker media types to OCI: ${pulled.sourceDigest} is ${pulled.digest} in ${out} (--preserve-digests keeps the registry's bytes)`);
      if (o.json) {
        process.stdout.write(JSON.stringify({ ref: `${source.name}@${pulled.sourceDigest}`, digest: pulled.digest, sourceDigest: pulled.sourceDigest, dest: out, format, platforms }, null, 2) + '\n');
      } else {
        process.stdout.write(pulled.digest + '\n');
      }
    });
}
