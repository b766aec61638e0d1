/** An image for the HTML page tests: what goscratch builds, plus hostile file names, labels, env and history. */
import { newImage, type Image } from '../../src/image/model.js';
import { testImage } from './images.js';

export const HOSTILE_FILE = '<img src=x onerror="window.__pwned=1">';
export const HOSTILE_LABEL = '</script><script>window.__pwned=2</script>';

/** An image as goscratch builds it (passwd, group, CA bundle, /app), plus hostile names and a zoneinfo file. */
export async function hostileImage(binary: string): Promise<Image> {
  const img = await testImage({
    binary,
    ca: true,
    extra: [
      { type: 'file', path: `/data/${HOSTILE_FILE}`, mode: 0o644, data: Buffer.from('x') },
      { type: 'file', path: '/usr/share/zoneinfo/UTC', mode: 0o644, data: Buffer.from('TZif') },
    ],
    config: { Labels: { 'org.example.note': HOSTILE_LABEL }, Env: [`NOTE=${HOSTILE_LABEL}`], ExposedPorts: { '9292/tcp': {} } },
  });
  const history = img.layers.map((_, i) => ({ created_by: i === 0 ? 'goscratch: passwd, group, CA certificates' : `COPY step ${i} ${HOSTILE_LABEL}` }));
  return newImage({ config: { ...img.config, history }, layers: img.layers });
}
