import { spawn } from 'node:child_process';
import { GoscratchError } from '../util/errors.js';
import { resolvingCommand, runResolve } from './resolve.js';

export function applyCommand() {
  return resolvingCommand('apply', 'Resolve manifests like `goscratch resolve` and pipe them to `kubectl apply -f -` (arguments after -- go to kubectl)')
    .argument('[kubectl-args...]', 'extra kubectl apply arguments, after --')
    .action(async (kubectlArgs, o) => {
      const { result, yaml } = await runResolve(o);
      // With --json, stdout carries goscratch's summary only; kubectl's lines go to stderr.
      const code = await kubectlApply(yaml, kubectlArgs, o.json ? 'stderr' : 'stdout');
      if (code !== 0) throw new GoscratchError(`kubectl apply exited with code ${code}`);
      if (o.json) process.stdout.write(JSON.stringify({ images: result.images, envAdded: result.envAdded, applied: true }, null, 2) + '\n');
    });
}

function kubectlApply(yaml: string, args: readonly string[], output: 'stdout' | 'stderr'): Promise<number> {
  const kubectl = 'kubectl';
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, ['apply', '-f', '-', ...args], { stdio: ['pipe', output === 'stdout' ? 'inherit' : process.stderr, 'inherit'] });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new GoscratchError(`${kubectl} not found on PATH: install kubectl, or run \`goscratch resolve -f ... | kubectl apply -f -\` where it exists`) : e),
    );
    child.on('close', (code) => resolve(code ?? 1));
    child.stdin.on('error', () => undefined);
    child.stdin.end(yaml);
  });
}
