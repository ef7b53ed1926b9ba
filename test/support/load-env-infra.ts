import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Connection settings written by `npm run infra:up` (`.env.infra`). The environment wins: a
 * variable already set is kept, so CI or a developer can point tests elsewhere.
 */
const file = join(__dirname, '..', '..', '.env.infra');
if (existsSync(file)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match && process.env[match[1]!] === undefined) process.env[match[1]!] = match[2];
  }
}
