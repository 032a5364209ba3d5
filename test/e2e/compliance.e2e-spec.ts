import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

/** A product photo: a blue ellipse filling 85% of a 1200 px square backdrop, as compliance.spec.ts builds it. */
async function productPhoto(background = '#ffffff'): Promise<Buffer> {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="1200"><ellipse cx="600" cy="600" rx="510" ry="306" fill="#2a6f8a"/></svg>';
  return sharp(Buffer.from(svg)).flatten({ background }).jpeg().toBuffer();
}

describe('POST /api/v1/compliance', () => {
  let t: TestApp;
  let key: string;
  let otherKey: string;
  let readKey: string;
  let white: Buffer;
  let grey: Buffer;
  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'studio', scopes: ['studio:process'] })).secret;
    otherKey = (await createKey(t, user.accessToken, user.orgId, { name: 'images', scopes: ['images:edit'] })).secret;
    readKey = (await createKey(t, user.accessToken, user.orgId, { name: 'reader', scopes: ['credits:read'] })).secret;
    [white, grey] = await Promise.all([productPhoto(), productPhoto('#e2e2e2')]);
  });
  afterAll(() => t.close());

  const check = (secret = key) => t.http().post('/api/v1/compliance').set(bearer(secret));
  const json = (image: Buffer, slots: string[]) => ({ image: { data: image.toString('base64'), mimeType: 'image/jpeg' }, slots });
  const rule = (report: { rules: { id: string }[] }, id: string) => report.rules.find((r) => r.id === id);

  it('passes a white, well-filled JPEG for amazon-main, sent as JSON, with every rule and its measured value', async () => {
    const res = await check().send(json(white, ['amazon-main'])).expect(200);
    expect(res.body.reports).toHaveLength(1);
    expect(res.body.reports[0]).toMatchObject({ slot: 'amazon-main', pass: true });
    expect(rule(res.body.reports[0], 'background-white')).toMatchObject({ measured: 1, expected: 0.98, comparison: 'atLeast', pass: true, severity: 'error' });
  });

  it('takes the image as a multipart file and the slots as one comma-separated field, a report per slot', async () => {
    const res = await check().field('slots', 'amazon-main,amazon-additional').attach('image', white, 'shoe.jpg').expect(200);
    expect(res.body.reports.map((r: { slot: string; pass: boolean }) => [r.slot, r.pass])).toEqual([
      ['amazon-main', true],
      ['amazon-additional', true],
    ]);
  });

  it('fails a grey backdrop on the white-background rule, showing what it measured', async () => {
    const res = await check().send(json(grey, ['amazon-main'])).expect(200);
    const [report] = res.body.reports;
    expect(report.pass).toBe(false);
    expect(report.rules.filter((r: { pass: boolean }) => !r.pass).map((r: { id: string }) => r.id)).toEqual(['background-white']);
    expect(rule(report, 'background-white')).toMatchObject({ measured: 0, expected: 0.98, pass: false });
  });

  it('answers 400 validation_failed naming an unknown slot and listing the known ones', async () => {
    const res = await check().send(json(white, ['amazon-main', 'amazon-hero'])).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/"amazon-hero".*known slots: .*amazon-main.*zalando-packshot/);
  });

  it('answers 400 validation_failed without slots or image', async () => {
    expect((await check().send(json(white, [])).expect(400)).body.error.code).toBe('validation_failed');
    expect((await check().send({ slots: ['amazon-main'] }).expect(400)).body.error.code).toBe('validation_failed');
  });

  it.each([
    ['SVG', () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/></svg>'), /image is in SVG format/],
    ['text', async () => Buffer.from('not an image at all'), /image is not an image we can read/],
  ])('answers 422 unprocessable_image for %s', async (_, make, message) => {
    const res = await check().send(json(await make(), ['amazon-main'])).expect(422);
    expect(res.body.error).toMatchObject({ code: 'unprocessable_image', message: expect.stringMatching(message) });
  });

  it("answers 413 payload_too_large for an image over the plan's 25 MB, before decoding it", async () => {
    const res = await check().send({ image: { data: 'A'.repeat(36 * 1024 * 1024) }, slots: ['amazon-main'] }).expect(413);
    expect(res.body.error).toMatchObject({ code: 'payload_too_large', message: 'image is over 25 MB' });
  });

  it('counts a check as one unit of the daily quota and charges no credits', async () => {
    const state = async () => (await t.http().get('/api/v1/subscription').set(bearer(readKey)).expect(200)).body;
    const credits = async () => (await t.http().get('/api/v1/credits').set(bearer(readKey)).expect(200)).body.creditsBalance;
    const [before, creditsBefore] = [await state(), await credits()];
    await check().send(json(white, ['amazon-main', 'ebay-listing'])).expect(200);
    expect((await state()).usage.images).toBe(before.usage.images + 1);
    expect(await credits()).toBe(creditsBefore);
  });

  it('answers 403 without the studio:process scope and 401 without credentials', async () => {
    expect((await check(otherKey).send(json(white, ['amazon-main'])).expect(403)).body.error.code).toBe('insufficient_scope');
    await t.http().post('/api/v1/compliance').send(json(white, ['amazon-main'])).expect(401);
  });
});
