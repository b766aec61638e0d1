/**
 * `goscratch sbom SRC`: an SPDX 2.3 or CycloneDX 1.5 JSON SBOM of an image or Go
 * binary, from the build info the Go linker embeds: the image, the main module,
 * every dependency (purl, go.sum hash) and the standard library.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { GoscratchError, UsageError } from '../util/errors.js';
import { insecureRegistryOption, registryOptions } from './options.js';

export function sbomCommand(): Command<[string]> {
  return new Command('sbom')
    .description('Write an SBOM (SPDX 2.3 or CycloneDX 1.5 JSON) of an image or Go binary from its Go build info')
    .argument('<src>', 'OCI layout dir[:tag], archive tarball, registry reference, or ELF file (force with oci:, archive:, docker://, file:)')
    .addOption(new Option('--format <format>', 'SBOM format').choices(['spdx', 'cyclonedx'] as const).default('spdx' as const))
    .option('-o, --output <file>', 'write the SBOM to this file instead of stdout')
    .option('--platform <os/arch[/variant]>', 'platform of a multi-platform image')
    .option('--attach', 'push the SBOM to the registry as an OCI 1.1 referrer of the image (registry sources only)')
    .addOption(insecureRegistryOption())
    .option('--json', 'print a JSON summary (file, format, digest, components) instead of the SBOM; with -o only')
    .addHelpText('after', '\nExit codes: 0 written, 1 the source has no Go build info or the push failed, 2 usage or unreadable input.')
    .action(async (src, opts) => {
      const [{ openSource, selectImages }, { parsePlatform, formatPlatform }, sbom, { VERSION }] = await Promise.all([
        import('../io/source.js'),
        import('../oci/platform.js'),
        import('../inspect/sbom/index.js'),
        import('../version.js'),
      ]);
      const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
      const registry = registryOptions(opts);
      const source = await openSource(src, { ...(platform ? { platform } : {}), registry });
      let subject;
      let image;
      if (source.kind === 'binary') {
        if (opts.attach) throw new UsageError('--attach needs a registry image, not a binary file');
        subject = await sbom.binarySbomSubject(source.path, { name: source.name });
      } else {
        const images = selectImages(source.artifact, platform);
        if (images.length > 1) {
          throw new UsageError(`${src} has ${images.length} platforms (${images.map((i) => formatPlatform(i.platform)).join(', ')}): choose one with --platform`);
        }
        image = images[0]!;
        subject = await sbom.imageSbomSubject(image, source.name);
      }
      if (!subject.binary?.go) {
        throw new GoscratchError(`${src}: the entrypoint has no Go build info (not a Go binary, or built before Go 1.13), so there is nothing to list`);
      }
      const text = sbom.sbomFor({ ...subject, toolVersion: VERSION }, opts.format);
      if (opts.output) {
        // A FIFO or /dev/stdout is written through; a symlink is followed, never replaced.
        const { writeOutput } = await import('../util/fs.js');
        await writeOutput(opts.output, text, { devices: true });
      } else if (!opts.json) {
        process.stdout.write(text);
      }
      let attached;
      if (opts.attach) {
        if (source.kind !== 'artifact' || source.via !== 'registry' || !image) throw new UsageError('--attach needs a registry reference (docker://host/name:tag)');
        const { imageDescriptor } = await import('../image/model.js');
        attached = await sbom.attachSbom(source.name.replace(/^docker:\/\//, ''), imageDescriptor(image), text, opts.format, registry);
      }
      const { sha256 } = await import('../oci/digest.js');
      const doc = JSON.parse(text) as { packages?: unknown[]; components?: unknown[] };
      const summary = {
        format: opts.format,
        ...(opts.output ? { file: opts.output } : {}),
        digest: sha256(text),
        components: (doc.packages ?? doc.components ?? []).length,
        ...(attached ? { attached: attached.ref, referrersApi: attached.referrersApi, tags: attached.tags } : {}),
      };
      if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else if (opts.output || attached) {
        const { log } = await import('./ui/log.js');
        log.info(`${opts.format} SBOM with ${summary.components} entries${opts.output ? ` written to ${opts.output}` : ''}${attached ? `, attached as ${attached.ref}` : ''}`);
      }
    });
}
