/**
 * dockerfile-ast re-scans an instruction's text on every getRawArguments() call, and its
 * own parser calls it three or four times per instruction (a fifth of lint's time on
 * 1,000 Dockerfiles). An instruction's text never changes after parsing (goscratch uses
 * none of the library's editing calls), so each keeps its first answer. Callers get a
 * copy: ModifiableInstruction.getArguments shifts flags off the array it is given.
 */
import { Instruction, type Argument } from 'dockerfile-ast';

type Scanned = { getRawArguments(): Argument[]; [memo]?: Argument[] };
const memo = Symbol('rawArguments');
const proto = Instruction.prototype as unknown as Scanned;
const scan = proto.getRawArguments;

proto.getRawArguments = function (this: Scanned): Argument[] {
  const args = (this[memo] ??= scan.call(this));
  return args.slice();
};
