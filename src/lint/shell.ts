/**
 * Just enough POSIX shell to read RUN commands: words with quotes removed, command
 * boundaries (`&&`, `||`, `;`, `|`, newlines, subshell parentheses) and leading
 * `NAME=value` assignments. Variables stay as written (`$TARGETARCH`), so rules can
 * tell a literal from a value the build fills in. Never throws.
 */
export interface ShellCommand {
  /** Leading `NAME=value` assignments (unquoted values). */
  assigns: Map<string, string>;
  /** The command and its arguments, quotes removed. */
  words: string[];
}

const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** Splits a shell script into simple commands. */
export function shellCommands(script: string): ShellCommand[] {
  const out: ShellCommand[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) out.push(toCommand(words));
    words = [];
  };
  const n = script.length;
  for (let i = 0; i < n; i++) {
    const c = script[i]!;
    if (c === "'") {
      const j = script.indexOf("'", i + 1);
      const end = j < 0 ? n : j;
      word += script.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < n && script[j] !== '"'; j++) {
        if (script[j] === '\\' && j + 1 < n) j++;
        word += script[j];
      }
      i = j;
    } else if (c === '\\') {
      if (i + 1 < n && script[i + 1] !== '\n') {
        word += script[i + 1];
        inWord = true;
      }
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
    } else if (c === '\n' || c === ';' || c === '|' || c === '&' || c === '(' || c === ')') {
      endCommand();
    } else if (c === '#' && !inWord) {
      const j = script.indexOf('\n', i);
      i = j < 0 ? n : j - 1;
    } else if (c === '$' && script[i + 1] === '(') {
      // Command substitution stays inside the word, as written.
      const j = closingParen(script, i + 1);
      word += script.slice(i, j + 1);
      inWord = true;
      i = j;
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return out;
}

function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  return s.length - 1;
}

function toCommand(all: string[]): ShellCommand {
  const assigns = new Map<string, string>();
  let i = 0;
  for (; i < all.length; i++) {
    const m = ASSIGN.exec(all[i]!);
    if (!m) break;
    assigns.set(m[1]!, m[2]!);
  }
  let words = all.slice(i);
  // `env A=B cmd` and `sudo cmd` run cmd with the same meaning for our rules.
  while (words[0] === 'env' || words[0] === 'sudo' || words[0] === 'exec') {
    words = words.slice(1);
    while (words.length > 0 && ASSIGN.test(words[0]!)) {
      const m = ASSIGN.exec(words[0]!)!;
      assigns.set(m[1]!, m[2]!);
      words = words.slice(1);
    }
  }
  return { assigns, words };
}

const commandCache = new WeakMap<object, ShellCommand[]>();

/**
 * The commands of a RUN-like instruction: its exec form as one command, or its shell
 * text split into commands. Several rules ask for the same RUN; it is split once.
 */
export function commandsOf(instr: { exec: string[] | null; text: string }): ShellCommand[] {
  let cmds = commandCache.get(instr);
  if (!cmds) {
    cmds = instr.exec ? [{ assigns: new Map(), words: instr.exec }] : shellCommands(instr.text);
    commandCache.set(instr, cmds);
  }
  return cmds;
}

/** Whether a value depends on a variable (`$X`, `${X}`) rather than being literal. */
export function hasVariable(value: string): boolean {
  return /\$(\{|[A-Za-z_])/.test(value);
}
