/**
 * The author default people expect: the name git signs their commits with. Read with
 * `git config user.name` (repository, then global config, as git itself resolves it);
 * no git, no name or a slow git is simply no default. Never throws.
 */
import { execFile } from 'node:child_process';

export function readGitUserName(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['config', '--get', 'user.name'], { cwd, env, timeout: 2000, windowsHide: true }, (error, stdout) => {
      const name = error ? '' : String(stdout).trim();
      resolve(name === '' ? undefined : name);
    });
  });
}
