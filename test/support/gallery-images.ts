import { EntityManager } from '@mikro-orm/core';
import sharp from 'sharp';
import { newId } from '../../src/common/ids';
import { Image } from '../../src/images/image.entity';
import { FileStore } from '../../src/storage/file-store';
import { renderProductFixture } from '../../src/studio/testing/fixtures';
import type { TestApp } from './test-app';

/** A product photo on a white backdrop, filling 85% of the frame: it passes amazon-main. */
export const whitePhoto = () =>
  sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="1200"><ellipse cx="600" cy="600" rx="510" ry="306" fill="#2a6f8a"/></svg>')).flatten({ background: '#ffffff' }).jpeg().toBuffer();

/** A bottle on a grey studio backdrop: it fails amazon-main's white background and fill, both fixable. */
export const greyPhoto = async () => (await renderProductFixture({ object: 'bottle', backdrop: 'grey', width: 480, height: 360, shadow: true })).image;

/** A gallery image of the organisation holding exactly these bytes, as if a job had made it. */
export async function galleryImage(t: TestApp, orgId: string, bytes: Buffer): Promise<string> {
  const meta = await sharp(bytes).metadata();
  const image = Object.assign(new Image(), {
    orgId, jobId: newId(), storageKey: `images/${orgId}/seeded-${newId()}`, format: meta.format, width: meta.width, height: meta.height, bytes: bytes.length,
    prompt: '', provider: 'test', model: 'seeded', seed: 0, createdBy: 'test',
  });
  await t.app.get(FileStore).put(image.storageKey, bytes);
  await t.app.get(EntityManager).fork().persistAndFlush(image);
  return image.id;
}
