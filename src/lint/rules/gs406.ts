import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS406',
  severity: 'warning',
  title: 'Unknown rule id in a goscratch pragma',
  what: 'A `# goscratch ignore=...` or `# goscratch global ignore=...` comment names a rule id that does not exist.',
  why: 'A misspelled id silences nothing, so the finding you meant to accept keeps failing the build, or the pragma outlives the rule it was written for.',
  fix: 'Use an id from `goscratch lint --list-rules`.',
  bad: '# goscratch ignore=GS3O1\nUSER root',
  good: '# goscratch ignore=GS301\nUSER root',
  // Reported by the engine, which reads the pragmas.
  check() {},
});
