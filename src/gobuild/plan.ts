/**
 * From settings to work: which main packages a build means (one `go list`), which
 * images they become (one per main package, or one bundle), their names, and the
 * compiles that make their binaries. Packages with the same build options share one
 * `go build`, so go compiles what they have in common once; goscratch.yaml `builds`
 * entries give a package options of its own, and so a compile of its own.
 */
import { execName, listPackages, mainPackages, moduleMains, named, type GoPackage } from '../golang/packages.js';
import { imageNameSchema } from '../config/schema.js';
import { BuildError, UsageError } from '../util/errors.js';
import type { BuildSettings, GoBuildOptions } from './settings.js';
import { parseTemplate, renderTemplate, usesName } from './template.js';

export interface PlannedBinary {
  pkg: GoPackage;
  /** Its file name, as `go build -o DIR/` names it. */
  file: string;
  /** Index of the compile that makes it. */
  group: number;
}

export interface PlannedImage {
  /** `{{.Name}}`: a `builds` entry's name, else the entrypoint binary's name in lower case. */
  name: string;
  /** The binaries in the image; the first is the entrypoint. */
  binaries: PlannedBinary[];
}

export interface CompileGroup {
  options: GoBuildOptions;
  packages: GoPackage[];
}

export interface Plan {
  images: PlannedImage[];
  groups: CompileGroup[];
}

/**
 * The main packages to build and the patterns that chose them: those named, or with
 * none named, the current directory's package when it is a main package, else
 * goscratch.yaml's `main`, else an error listing the module's main packages. `env` is
 * the toolchain's (selectToolchain), which every go command gets.
 */
export async function selectMains(go: string, s: Pick<BuildSettings, 'moduleDir' | 'patterns' | 'current'>, env: readonly string[] = []): Promise<{ mains: GoPackage[]; patterns: string[] }> {
  if (s.current !== undefined) {
    const [here] = await listPackages(go, s.moduleDir, [s.current], env);
    if (here?.Name === 'main') {
      if (here.Error) throw new BuildError(`Go package ${here.ImportPath}: ${here.Error.Err}`);
      return { mains: [here], patterns: [s.current] };
    }
    if (s.patterns.length === 0) {
      const where = s.current === '.' ? `the module root ${s.moduleDir}` : `${s.current} (the current directory)`;
      const what = here?.Error ? here.Error.Err.split('\n')[0] : here ? `package ${here.Name}` : 'no package';
      const found = await moduleMains(go, s.moduleDir, env);
      throw new UsageError(
        `no package named, and ${where} is not a main package (${what}) nor does goscratch.yaml name one (main:): ` +
          (found.length ? `the module's main packages are ${found.join(', ')}` : 'the module has no main package'),
        { hint: found.length ? `build one with goscratch build ${found[0]}, each with goscratch build ./..., or set main: ${found[0]} in goscratch.yaml` : 'add a package main, or run goscratch in the module that has one' },
      );
    }
  }
  const pkgs = await listPackages(go, s.moduleDir, s.patterns, env);
  return { mains: mainPackages(pkgs, s.patterns, s.moduleDir), patterns: s.patterns };
}

/** The images and compiles for the main packages. */
export function planImages(s: BuildSettings, mains: readonly GoPackage[]): Plan {
  const groups: CompileGroup[] = [];
  const keys: string[] = [];
  const binaries = mains.map((pkg): PlannedBinary & { name?: string } => {
    const entry = s.builds.find((e) => named(pkg, e.main, s.moduleDir));
    const options: GoBuildOptions = { ldflags: (entry ?? s).ldflags, goTags: (entry ?? s).goTags, goFlags: (entry ?? s).goFlags, goEnv: (entry ?? s).goEnv };
    const file = execName(pkg.ImportPath);
    const key = JSON.stringify(options);
    // Two binaries of one name would overwrite each other in go's output directory.
    let group = groups.findIndex((g, i) => keys[i] === key && !g.packages.some((p) => execName(p.ImportPath) === file));
    if (group < 0) {
      group = groups.push({ options, packages: [] }) - 1;
      keys.push(key);
    }
    groups[group]!.packages.push(pkg);
    return { pkg, file, group, ...(entry?.name ? { name: entry.name } : {}) };
  });
  const images = s.bundle ? [bundleImage(s.bundle, binaries)] : binaries.map((b) => ({ name: imageNameOf(b), binaries: [b] }));
  const byName = new Map<string, PlannedImage>();
  for (const img of images) {
    const other = byName.get(img.name);
    if (other) {
      throw new UsageError(
        `${other.binaries[0]!.pkg.ImportPath} and ${img.binaries[0]!.pkg.ImportPath} would both be images named ${img.name}: give one another name in goscratch.yaml (builds: [{main: ..., name: ...}]), or build them in separate runs`,
      );
    }
    byName.set(img.name, img);
  }
  return { images, groups };
}

function imageNameOf(b: PlannedBinary & { name?: string }): string {
  const name = b.name ?? b.file.toLowerCase();
  if (!imageNameSchema.safeParse(name).success) {
    throw new UsageError(`the image of ${b.pkg.ImportPath} would be named ${JSON.stringify(name)}, which is not a valid image name: give it one in goscratch.yaml (builds: [{main: ..., name: ...}])`);
  }
  return name;
}

function bundleImage(entrypoint: string, binaries: ReadonlyArray<PlannedBinary & { name?: string }>): PlannedImage {
  const files = binaries.map((b) => b.file);
  const twice = files.find((f, i) => files.indexOf(f) !== i);
  if (twice) {
    const pkgs = binaries.filter((b) => b.file === twice).map((b) => b.pkg.ImportPath);
    throw new UsageError(`a bundle cannot hold two binaries named ${twice} (${pkgs.join(', ')}): both would be /usr/local/bin/${twice}; build them in separate images`);
  }
  const first = binaries.find((b) => b.file === entrypoint);
  if (!first) throw new UsageError(`bundle ${entrypoint}: no binary of that name is built here; the binaries are ${files.join(', ')}`, { hint: `e.g. --bundle ${files[0]}` });
  return { name: imageNameOf(first), binaries: [first, ...binaries.filter((b) => b !== first)] };
}

/**
 * The image names of one image: the tag templates rendered with its name, or
 * `<name>:latest`. With several images every template must hold `{{.Name}}`, or all
 * would get the same name.
 */
export function imageTags(s: Pick<BuildSettings, 'tags' | 'templateData'>, name: string, several: boolean): string[] {
  if (s.tags.length === 0) return [`${name}:latest`];
  return s.tags.map((text) => {
    const t = parseTemplate(text, 'image name');
    if (several && !usesName(t)) {
      throw new UsageError(`image name ${JSON.stringify(text)} would name every image the same: write {{.Name}} in it, e.g. registry.example.com/team/{{.Name}}:1.4`, { input: text });
    }
    return renderTemplate(t, { ...s.templateData, Name: name }, 'image name');
  });
}
