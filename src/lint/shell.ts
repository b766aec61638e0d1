/**
 * Just enough POSIX shell to read RUN commands: words with quotes removed, command
 * boundaries (`&&`, `||`, `;`, `|`, `&`, newlines) with the operator that ends each
 * command, subshells `( ... )`, the bodies of `if`/`case`/`for`/`while` (which may
 * run or not), leading `NAME=value` assignments, and the scripts of `sh -c '...'`.
 * Variables stay as written (`$TARGETARCH`), so rules can tell a literal from a value
 * the build fills in. Never throws.
 */
export interface ShellCommand {
  /** Leading `NAME=value` assignments (quotes removed). */
  assigns: Map<string, string>;
  /** The command and its arguments, quotes removed; reserved words (`then`, `do`) dropped. */
  words: string[];
  /** Subshell depth: what a command at depth > 0 sets is gone after its `)`. */
  subshell: number;
  /** Inside an `if`, `case`, `for`, `while` or `until` body, or after `||`: it may not run. */
  conditional: boolean;
}

const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** Words that open a compound command, and the ones that close it. */
const OPENS = new Set(['if', 'case', 'for', 'while', 'until']);
const CLOSES = new Set(['fi', 'esac', 'done']);
/** Reserved words in front of the command they introduce. */
const LEADING = new Set(['then', 'else', 'elif', 'do', '!', '{', '}', 'time']);
/** Wrappers that run the rest of their words as the command. */
const WRAPPERS = new Set(['env', 'sudo', 'exec', 'nohup']);
const SHELLS = /^(\/usr)?(\/bin\/)?(sh|bash|ash|dash|zsh)$/;

interface Token {
  words: string[];
  /** The operator after the command: `&&`, `||`, `;`, `;;`, `|`, `&`, `\n`, `(`, `)` or '' at the end. */
  sep: string;
}

/** Splits a shell script into simple commands. */
export function shellCommands(script: string): ShellCommand[] {
  return evaluate(tokenize(script), 0);
}

function evaluate(tokens: Token[], nesting: number): ShellCommand[] {
  const out: ShellCommand[] = [];
  let subshell = 0;
  let compound = 0;
  let afterOr = false;
  for (const t of tokens) {
    let words = t.words;
    while (words.length > 0 && (LEADING.has(words[0]!) || OPENS.has(words[0]!))) {
      if (OPENS.has(words[0]!)) compound++;
      words = words.slice(1);
    }
    if (words.length > 0 && CLOSES.has(words[0]!)) {
      compound = Math.max(0, compound - 1);
      words = words.slice(1);
    }
    if (words.length > 0) {
      const cmd = toCommand(words, subshell, compound > 0 || afterOr);
      const script = shellScript(cmd.words);
      if (script !== undefined && nesting < 4) {
        // `sh -c '...'` runs its script in a child shell: nothing it sets comes back.
        for (const inner of evaluate(tokenize(script), nesting + 1)) out.push({ ...inner, subshell: inner.subshell + subshell + 1, conditional: inner.conditional || cmd.conditional });
      } else {
        out.push(cmd);
      }
    }
    if (t.sep === '(') subshell++;
    else if (t.sep === ')') subshell = Math.max(0, subshell - 1);
    afterOr = t.sep === '||';
  }
  return out;
}

/** The script of `sh -c SCRIPT` (or bash, ash, ...), if the command is one. */
function shellScript(words: string[]): string | undefined {
  if (!SHELLS.test(words[0] ?? '')) return undefined;
  const c = words.findIndex((w, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(w));
  return c > 0 ? words[c + 1] : undefined;
}

function tokenize(script: string): Token[] {
  const out: Token[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (sep: string): void => {
    endWord();
    out.push({ words, sep });
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
        if (script[j] === '$' && script[j + 1] === '(') {
          // `"$(git describe --tags)"` may hold quotes of its own.
          const k = closingParen(script, j + 1);
          word += script.slice(j, k + 1);
          j = k;
          continue;
        }
        if (script[j] === '\\' && j + 1 < n && '"\\$`\n'.includes(script[j + 1]!)) {
          j++;
          if (script[j] === '\n') continue;
        }
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
    } else if (c === '&' || c === '|' || c === ';') {
      const two = script[i + 1] === c;
      endCommand(two ? c + c : c);
      if (two) i++;
    } else if (c === '\n' || c === '(' || c === ')') {
      endCommand(c);
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
  endCommand('');
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

function toCommand(all: string[], subshell: number, conditional: boolean): ShellCommand {
  const assigns = new Map<string, string>();
  let i = 0;
  for (; i < all.length; i++) {
    const m = ASSIGN.exec(all[i]!);
    if (!m) break;
    assigns.set(m[1]!, m[2]!);
  }
  let words = all.slice(i);
  // `env A=B cmd` and `sudo cmd` run cmd with the same meaning for our rules.
  while (words.length > 0 && WRAPPERS.has(words[0]!)) {
    words = words.slice(1);
    while (words.length > 0 && (ASSIGN.test(words[0]!) || /^-/.test(words[0]!))) {
      const m = ASSIGN.exec(words[0]!);
      if (m) assigns.set(m[1]!, m[2]!);
      words = words.slice(1);
    }
  }
  return { assigns, words, subshell, conditional };
}

const commandCache = new WeakMap<object, ShellCommand[]>();

/**
 * The commands of a RUN-like instruction: its exec form as one command, or its shell
 * text split into commands. Several rules ask for the same RUN; it is split once.
 */
export function commandsOf(instr: { exec: string[] | null; text: string }): ShellCommand[] {
  let cmds = commandCache.get(instr);
  if (!cmds) {
    cmds = instr.exec ? [{ assigns: new Map(), words: instr.exec, subshell: 0, conditional: false }] : shellCommands(instr.text);
    commandCache.set(instr, cmds);
  }
  return cmds;
}

/** Whether a value depends on a variable (`$X`, `${X}`) rather than being literal. */
export function hasVariable(value: string): boolean {
  return /\$(\{|[A-Za-z_])/.test(value);
}
