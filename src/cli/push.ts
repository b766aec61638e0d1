import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { openArtifact } from '../io/source.js';
import { pushArtifact } from '../io/registry/index.js';
import { createProgress } from './ui/transfer.js';
import { parseReference } from '../oci/reference.js';
import { configureLog, log } from './ui/log.js';
import { collect, jobsOption, insecureRegistryOption, registryOptions } from './options.js';


export function pushCommand(): CommandUnknownOpts {
  return new Command('push')
    .description('Push an OCI layout directory or an image archive to a registry')
    .argument('<src>', 'OCI layout directory (DIR, DIR:NAME or DIR@sha256:…), archive tarball, or docker://REF')
    .argument('<ref>', 'destination, e.g. registry.example.com/team/app:v1')
    .option('-t, --tag <tag>', 'extra tag to point at the pushed image (repeatable)', collect)
    .option('--preserve-digests', 'push uncompressed layers as they are (they are gzipped otherwise, changing the digest)')
    .option('-j, --jobs <n>', 'blobs uploaded at once (default 4)', jobsOption)
    .addOption(insecureRegistryOption())
    .addOption(new Option('--json', 'print the result as JSON'))
    .option('-q, --quiet', 'print only the pushed reference')
    .action(async (src, ref, o) => {
      configureLog({ quiet: Boolean(o.quiet || o.json) });
      const target = parseReference(ref);
      const artifact = await openArtifact(src);
      const progress = await createProgress();
      let result;
      try {
        result = await pushArtifact(target, artifact, {
          ...(o.tag ? { tags: o.tag } : {}),
          ...(o.jobs ? { jobs: o.jobs } : {}),
          ...(o.preserveDigests ? { preserveDigests: true } : {}),
          ...registryOptions(o),
          onProgress: (p) => progress.push(p),
        });
      } finally {
        progress.stop();
      }
      const counts = { uploaded: 0, exists: 0, mounted: 0 };
      for (const outcome of Object.values(result.blobs)) counts[outcome]++;
      log.info(`pushed ${result.tagged.join(', ') || result.ref} (${counts.uploaded} uploaded, ${counts.exists} already there, ${counts.mounted} mounted)`);
      if (o.json) {
        process.stdout.write(JSON.stringify({ ref: result.ref, digest: result.digest, pushed: [result.ref, ...result.tagged], blobs: counts }, null, 2) + '\n');
      } else {
        process.stdout.write(result.ref + '\n');
      }
    });
}
