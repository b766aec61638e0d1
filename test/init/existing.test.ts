import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clashingTargets, describeLint, ignoresVendor, includesFragment, lintSummary, missingIgnores } from '../../src/init/existing.js';
import { dockerignore } from '../../src/init/templates.js';

test('includesFragment: include, -include and sinclude lines, not comments or other files', () => {
  for (const yes of ['include goscratch.mk\n', 'all:\n\ttrue\n-include goscratch.mk\n', 'sinclude common.mk goscratch.mk # ours\n', '  include build/goscratch.mk\n']) assert.equal(includesFragment(yes), true, yes);
  for (const no of ['# include goscratch.mk\n', 'include goscratch.mk.bak\n', 'include my-goscratch.mk\n', '\tinclude goscratch.mk\n'.replace('\t', '\tx ')]) assert.equal(includesFragment(no), false, no);
});

test('clashingTargets: rule lines name targets; variable assignments and recipes do not', () => {
  const mk = 'IMAGE := x\nimage-push ?= y\nbuild image: deps\n\timage-lint: not a rule\nimage-docker:: a\n# image-lint:\nall: image\n';
  assert.deepEqual(clashingTargets(mk), ['image', 'image-docker']);
  assert.deepEqual(clashingTargets('release:\n\tgoreleaser\n'), []);
});

test('missingIgnores lists the recommended entries a .dockerignore lacks, whatever their spelling', () => {
  assert.deepEqual(missingIgnores('/.git/\n./bin\ndist\n*.tar\n*.test\n*.out\n.env\n.env.*\n*.local\n.idea\n.vscode/\n.hg\n.svn\n', dockerignore()), []);
  assert.deepEqual(missingIgnores('node_modules\n', dockerignore()).slice(0, 3), ['.git', '.hg', '.svn']);
  assert.equal(ignoresVendor('bin\n/vendor/\n'), true);
  assert.equal(ignoresVendor('!vendor\nvendored\n'), false);
});

test('lint summaries count by severity in severity order', () => {
  const s = lintSummary([{ rule: 'GS302', severity: 'warning' }, { rule: 'GS101', severity: 'error' }, { rule: 'GS204', severity: 'info' }, { rule: 'GS101', severity: 'error' }]);
  assert.deepEqual(s, { counts: { warning: 1, error: 2, info: 1 }, rules: ['GS101', 'GS204', 'GS302'] });
  assert.equal(describeLint(s), '2 errors, 1 warning, 1 info (GS101, GS204, GS302)');
  assert.equal(describeLint(lintSummary([])), 'nothing');
});
