import { auditCases, image } from './auditcases.js';

auditCases('GS504', {
  catches: [
    { name: 'name:name', subject: { image: image({ user: 'appuser:appuser' }) }, message: /use the numeric id|runAsNonRoot/ },
    { name: 'a name missing from passwd', subject: { image: image({ user: 'ghost', passwd: null }) } },
  ],
  passes: [
    { name: 'numeric', subject: { image: image({ user: '10001' }) } },
    { name: 'root by name is GS503, not a naming problem', subject: { image: image({ user: 'root' }) } },
    { name: '00 is root, numeric', subject: { image: image({ user: '00' }) } },
  ],
});
