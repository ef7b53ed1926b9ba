import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The end-to-end tests start the built app as a real process: build it once first. */
export default function globalSetup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
}
