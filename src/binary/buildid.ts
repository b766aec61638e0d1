/**
 * The Go build ID a Go binary carries in its `.note.go.buildid` ELF note
 * (`actionID/.../contentID`, as `go tool buildid` prints it). Its last part hashes the
 * binary's own bytes, so the ID names the content: go uses it to tell whether a binary
 * is up to date, and the layer cache to know a binary without reading it.
 */
import type { ElfFile } from './elf.js';

/** The note's owner name and type (cmd/internal/buildid: "Go\x00\x00", ELF_NOTE_GOBUILDID_TAG). */
const OWNER = 'Go\0\0';
const TYPE = 4;
const MAX_ID = 1024;

export function goBuildId(elf: ElfFile): string | undefined {
  const section = elf.section('.note.go.buildid');
  if (!section || section.size > 16 + OWNER.length + MAX_ID) return undefined;
  const note = elf.readSection(section);
  if (note.length < 12) return undefined;
  const u32 = (at: number): number => (elf.info.bigEndian ? note.readUInt32BE(at) : note.readUInt32LE(at));
  const nameSize = u32(0);
  const descSize = u32(4);
  if (nameSize !== OWNER.length || u32(8) !== TYPE || note.toString('latin1', 12, 16) !== OWNER || 16 + descSize > note.length) return undefined;
  const id = note.toString('latin1', 16, 16 + descSize);
  return /^[\w/+=.-]+$/.test(id) ? id : undefined;
}
