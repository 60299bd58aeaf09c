/**
 * `inferscale --help` and `validate FILE` skip yargs for speed (src/cli/main.ts); what they print must
 * be exactly what the yargs path prints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HELP_TEXT } from '../../src/cli/help-text.js';
import { STORED_WIDTHS, yargsHelp } from '../helpers/help-text.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

test('the stored help texts are what yargs prints at each stored width (else: npm run help-text)', () => {
  for (const w of STORED_WIDTHS) assert.equal(HELP_TEXT[w], yargsHelp(w), `width ${w}`);
});

test('--help and -h print the stored text, exit 0', () => {
  for (const flag of ['--help', '-h']) {
    const r = cli([flag]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, HELP_TEXT[100]);
    assert.match(r.stdout, /inferscale validate <file>/);
  }
});

test('validate FILE without yargs: the same output and exit codes as with it', () => {
  for (const file of [
    'scenarios/mmck.yaml',
    'test/fixtures/bad/bad-service-name.yaml',
    'no/such/file.yaml',
  ]) {
    const fast = cli(['validate', file]);
    const slow = cli(['validate', file, '--debug']);
    assert.equal(fast.status, slow.status, file);
    assert.equal(fast.stdout, slow.stdout, file);
    if (fast.status !== 2 || !/no\/such/.test(file)) assert.equal(fast.stderr, slow.stderr, file);
    else assert.match(fast.stderr, /no\/such\/file\.yaml/);
  }
  assert.equal(cli(['validate', 'scenarios/mmck.yaml']).status, 0);
  assert.equal(cli(['validate', 'test/fixtures/bad/bad-service-name.yaml']).status, 2);
});
