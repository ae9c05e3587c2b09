// `node dist/setup/announce.js`: the last one-shot service of docker-compose.yml, started once
// Caddy is healthy, prints the line a new user looks for at the end of `docker compose up`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readyLine, type SetupState } from './ready-line.js';

const dir = process.env.SETUP_DIR || '/setup';
const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as SetupState;
console.log(readyLine(state));
