import { df, ruleCases } from './rulecases.js';

ruleCases('GS406', {
  catches: [
    { name: 'misspelled id', dockerfile: df('FROM scratch', '# goscratch ignore=GS3O1', 'USER 0'), lines: [2] },
    { name: 'unknown id in a global pragma', dockerfile: df('# goscratch global ignore=GS999', 'FROM scratch'), lines: [1] },
    { name: 'one bad id among good ones', dockerfile: df('FROM scratch', '# goscratch ignore=GS301, DL3006', 'USER 0'), lines: [2] },
  ],
  passes: [
    { name: 'known ids', dockerfile: df('FROM scratch', '# goscratch ignore=GS301,GS203', 'USER 0') },
    { name: 'ordinary comment mentioning goscratch', dockerfile: df('# built by goscratch init', 'FROM scratch') },
    { name: 'lower-case known id', dockerfile: df('# goscratch global ignore=gs204', 'FROM scratch') },
  ],
});
