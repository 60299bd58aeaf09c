/**
 * A disk that fills up, or a read-only one, while a command writes its output: one line that says
 * what could not be written, why and what is still in place; exit 1; no stack trace; nothing left
 * half-written. The disks are small tmpfs mounts, so these tests need root (they skip without it).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAtomically } from '../../src/cli/atomic.js';
import { folderDigest } from '../helpers/digest.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

/** A tmpfs of `size` at a new folder, unmounted after the test; null when this process may not mount. */
function smallDisk(t: TestContext, size: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'inferscale-disk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  t.after(() => {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
}

test('simulate on a full disk: exit 1, the report and the reason named, the previous report unchanged', (t) => {
  const disk = smallDisk(t, '1m');
  if (!disk) return t.skip('cannot mount a tmpfs here (needs root)');
  const out = join(disk, 'run');
  // A first report that fits (10 simulated minutes, about 0.3 MB), then one that cannot (2 hours).
  const first = cli(['simulate', '--no-report', '--out', out, '--quiet']);
  assert.equal(first.status, 0, first.stderr);
  const before = folderDigest(out);
  const r = cli(['simulate', '--no-report', '--duration', '2h', '--out', out, '--quiet']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `^error: could not write the report in ${out}: no space left on the device \\(ENOSPC\\); nothing was written; the previous report in ${out} is unchanged$`,
      'm',
    ),
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(folderDigest(out), before, 'the previous report, byte for byte');
  assert.deepEqual(readdirSync(disk), ['run'], 'no temp folder left');
});

test('simulate with --openmetrics on a full disk names both outputs; nothing is left', (t) => {
  const disk = smallDisk(t, '64k');
  if (!disk) return t.skip('cannot mount a tmpfs here (needs root)');
  const out = join(disk, 'run');
  const om = join(disk, 'run.om');
  const r = cli(['simulate', '--no-report', '--out', out, '--openmetrics', om, '--quiet']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /^error: could not write the report in \S+ or \S+run\.om: no space left on the device \(ENOSPC\); nothing was written \(nor the OpenMetrics file\); \S+ holds no report$/m,
  );
  assert.deepEqual(readdirSync(disk), []);
});

test('writeAtomically (plan, tune, replay) on a read-only disk: the folder and the reason named', (t) => {
  const disk = smallDisk(t, '1m');
  if (!disk) return t.skip('cannot mount a tmpfs here (needs root)');
  const ro = spawnSync('mount', ['-o', 'remount,ro', disk]);
  if (ro.status !== 0) return t.skip('cannot remount the tmpfs read-only');
  const out = join(disk, 'plan');
  assert.throws(
    () => writeAtomically(out, [{ path: 'summary.md', content: '# plan\n' }]),
    (e: Error) => {
      assert.match(
        e.message,
        new RegExp(`^could not write ${out}: the file system is read-only \\(EROFS, at `),
      );
      assert.match(e.message, new RegExp(`; nothing was written; ${out} was not made$`));
      return true;
    },
  );
  assert.deepEqual(readdirSync(disk), []);
});
