/**
 * The template language of image names and ldflags: the fields ko and goreleaser
 * users write, nothing else, and values that can never become another linker flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ldflagsValue, parseTemplate, renderTemplate, usesGit, usesName, type TemplateData } from '../../src/gobuild/template.js';
import { UsageError } from '../../src/util/errors.js';

const data: TemplateData = { Name: 'api', Git: { Tag: 'v1.4.0', ShortCommit: 'abc1234' }, Env: { VERSION: '1.4.0', EMPTY: '' } };
const render = (text: string, d: TemplateData = data, check?: (v: string) => string | undefined): string => renderTemplate(parseTemplate(text, '--tag'), d, '--tag', check);
const usage = (re: RegExp) => (e: unknown) => e instanceof UsageError && re.test(e.message);

test('fields are replaced, spaces inside the braces allowed, text kept as it is', () => {
  assert.equal(render('registry.example.com/team/{{.Name}}:1.4'), 'registry.example.com/team/api:1.4');
  assert.equal(render('-X main.version={{.Git.Tag}} -X main.commit={{ .Git.ShortCommit }}'), '-X main.version=v1.4.0 -X main.commit=abc1234');
  assert.equal(render('{{.Env.VERSION}}/{{.Env.EMPTY}}'), '1.4.0/');
  assert.equal(render('no fields, and a lone }} stays'), 'no fields, and a lone }} stays');
  assert.equal(render(''), '');
});

test('anything but the four fields is refused with what is allowed: other fields, functions, pipes, conditions, unclosed braces', () => {
  for (const bad of ['{{.Tag}}', '{{.Git.FullCommit}}', '{{.Env}}', '{{.Env.A.B}}', '{{.Env.1A}}', '{{env "HOME"}}', '{{.Name | upper}}', '{{if .Name}}x{{end}}', '{{printf "%s" .Name}}', '{{}}', '{{- .Name}}', '{{.Name', 'a {{ b']) {
    assert.throws(() => parseTemplate(bad, '--tag'), usage(/^--tag ".*": .*a template may use only \{\{\.Name\}\}, \{\{\.Git\.Tag\}\}, \{\{\.Git\.ShortCommit\}\} or \{\{\.Env\.NAME\}\}/), bad);
  }
});

test('a missing value is an error that says which: an unset variable, no git checkout, no name', () => {
  assert.throws(() => render('{{.Env.UNSET}}'), usage(/\{\{\.Env\.UNSET\}\}: the environment variable UNSET is not set/));
  assert.throws(() => render('{{.Git.Tag}}', { Env: {} }), usage(/\{\{\.Git\.Tag\}\}: the module is not in a git checkout/));
  assert.throws(() => render('{{.Name}}', { Env: {} }), usage(/\{\{\.Name\}\}: there is no image name here/));
});

test('usesGit and usesName say what a template reads, so git is asked only when needed', () => {
  assert.equal(usesGit(parseTemplate('-X a={{.Git.ShortCommit}}', 'x')), true);
  assert.equal(usesGit(parseTemplate('{{.Name}}:{{.Env.GIT}}', 'x')), false);
  assert.equal(usesName(parseTemplate('{{.Name}}:1', 'x')), true);
  assert.equal(usesName(parseTemplate('app:{{.Git.Tag}}', 'x')), false);
});

test('a value in ldflags never becomes another linker flag: spaces, quotes, backslashes and a leading "-" are refused', () => {
  const ld = (value: string) => render('-X main.v={{.Env.V}}', { Env: { V: value } }, ldflagsValue);
  assert.equal(ld('1.4.0+build.7_x~y'), '-X main.v=1.4.0+build.7_x~y');
  for (const v of ['1 -extld=/tmp/x', "a'b", 'a"b', 'a\\b', 'a\tb', 'a\nb', '`x`']) assert.throws(() => ld(v), usage(/space, quote or backslash/), JSON.stringify(v));
  assert.throws(() => render('{{.Git.Tag}}', { Env: {}, Git: { Tag: '-extld=/tmp/x', ShortCommit: 'a' } }, ldflagsValue), usage(/begins with "-"/));
});
