/**
 * What to do after `init`: per language, and shorter when dependencies were installed.
 * Data only (command + why); src/output/init-report.ts prints it.
 */
import type { InitLanguage } from './types.js';

export interface NextStep {
  command: string;
  why: string;
}

export function nextSteps(language: InitLanguage, options: { dir: string; installed: boolean }): NextStep[] {
  const steps: NextStep[] = [];
  if (options.dir !== '.' && options.dir !== '') {
    steps.push({ command: `cd ${/^[\w./-]+$/.test(options.dir) ? options.dir : JSON.stringify(options.dir)}`, why: 'enter the plugin folder' });
  }
  switch (language) {
    case 'python':
      if (!options.installed) {
        steps.push({ command: 'python3 -m venv .venv', why: 'create a virtual environment' });
        // The dev file includes requirements.txt and adds pytest, which the next step runs.
        steps.push({ command: '.venv/bin/python -m pip install -r requirements-dev.txt', why: 'install the dependencies and pytest' });
      }
      steps.push({ command: '.venv/bin/python -m pytest', why: "run the plugin's own tests" });
      steps.push({ command: '.venv/bin/python plugin.py', why: 'start it on its port (Ctrl+C stops it)' });
      break;
    case 'node':
      if (!options.installed) steps.push({ command: 'npm install', why: 'install the dependencies' });
      steps.push({ command: 'npm test', why: "run the plugin's own tests" });
      steps.push({ command: 'npm start', why: 'start it on its port (Ctrl+C stops it)' });
      break;
    case 'go':
      if (!options.installed) steps.push({ command: 'go build -o bin/plugin .', why: 'build the binary plugin.yaml starts' });
      steps.push({ command: 'go test ./...', why: "run the plugin's own tests" });
      steps.push({ command: './bin/plugin', why: 'start it on its port (Ctrl+C stops it)' });
      break;
  }
  steps.push({ command: 'npx loom-plugin validate --strict', why: 'check plugin.yaml' });
  steps.push({ command: 'npx loom-plugin test', why: 'run the conformance suite (starts the plugin against a mock upstream)' });
  steps.push({ command: 'npx loom-plugin dev --mock-upstream', why: 'try it in the local playground with hot reload' });
  return steps;
}
