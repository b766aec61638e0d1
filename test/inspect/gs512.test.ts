import { auditCases } from './auditcases.js';

auditCases('GS512', {
  catches: [
    { name: 'the runtime cannot find the entrypoint', subject: { binary: undefined, entrypointMissing: '/app does not exist in the image (or is not a regular file)' }, message: /the container cannot start: \/app does not exist/ },
  ],
  passes: [
    { name: 'the entrypoint is there', subject: {} },
    { name: 'a plain binary', subject: { image: undefined } },
  ],
});
