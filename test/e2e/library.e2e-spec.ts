import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibraryMatcher } from '../../src/library/library-matcher';
import { bearer, createKey, signUp, uniqueEmail, type TestUser } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const png = (color: string) => sharp({ create: { width: 8, height: 6, channels: 3, background: color } }).png().toBuffer();
/** The first bytes of an MP4 (an ISO media "ftyp" box), all the ingest looks at for a video. */
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(16)]);
const path = (url: string) => new URL(url).pathname;

describe('the asset library', () => {
  let t: TestApp;
  let operator: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let aliceKey: string;
  let bobKey: string;
  const ids: Record<string, string> = {};

  const ingest = (fields: Record<string, string>, file: Buffer) => {
    const req = t.http().post('/api/v1/admin/library/assets').set(bearer(operator.accessToken)).attach('image', file, 'asset.bin');
    for (const [name, value] of Object.entries(fields)) void req.field(name, value);
    return req;
  };
  const search = (key: string, query: Record<string, string | number>) => t.http().get('/api/v1/library/search').query(query).set(bearer(key));

  beforeAll(async () => {
    const operatorEmail = uniqueEmail('operator');
    t = await startTestApp({ ADMIN_EMAILS: operatorEmail }, { plansYaml: plansWithMoreWork() });
    operator = await signUp(t, { email: operatorEmail });
    alice = await signUp(t);
    bob = await signUp(t);
    const scopes = ['library:read', 'library:write', 'images:generate', 'images:read', 'jobs:read'];
    aliceKey = (await createKey(t, alice.accessToken, alice.orgId, { name: 'lib', scopes })).secret;
    bobKey = (await createKey(t, bob.accessToken, bob.orgId, { name: 'lib', scopes })).secret;

    ids.car = (await ingest({ type: 'image', title: 'Red sports car', tags: 'Car, red ,studio', licence: 'CC-BY-4.0', prompt: 'a red sports car under soft studio light' }, await png('#c00')).expect(201)).body.id;
    ids.forest = (await ingest({ type: 'image', title: 'Misty forest', tags: 'nature', prompt: 'a misty pine forest, a red cabin far away' }, await png('#063')).expect(201)).body.id;
    ids.clip = (await ingest({ type: 'video', title: 'Waves on a beach', tags: 'sea', licence: 'internal' }, MP4).expect(201)).body.id;

    const generated = await t.http().post('/api/v1/images/generations').set({ ...bearer(aliceKey), prefer: 'wait=30' }).send({ prompt: 'a blue sailing boat at sunset', size: '256x256' }).expect(200);
    ids.aliceImage = generated.body.outputs[0].id;
  });
  afterAll(() => t.close());

  it('ingests images and videos with their metadata, checking the file against the type', async () => {
    const res = await search(aliceKey, { q: 'car' }).expect(200);
    expect(res.body.data[0]).toMatchObject({
      id: ids.car, type: 'image', title: 'Red sports car', tags: ['car', 'red', 'studio'], licence: 'CC-BY-4.0', width: 8, height: 6, format: 'png', owner: 'installation', score: expect.any(Number),
    });
    await ingest({ type: 'image', title: 'Not an image' }, Buffer.from('plain text, not a picture')).expect(422).expect((r) => expect(r.body.error.code).toBe('unprocessable_image'));
    await ingest({ type: 'video', title: 'A still' }, await png('#fff')).expect(422);
    await ingest({ type: 'sculpture', title: 'x' }, await png('#fff')).expect(400);
    await ingest({ type: 'image' }, await png('#fff')).expect(400);
    await t.http().post('/api/v1/admin/library/assets').set(bearer(operator.accessToken)).send({ type: 'image', title: 'json', file: [{ data: 'aGk=' }] }).expect(415);
  });

  it('serves an asset through its signed link', async () => {
    const [hit] = (await search(aliceKey, { q: 'forest' }).expect(200)).body.data;
    const file = await t.http().get(path(hit.url)).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect((await sharp(file.body as Buffer).metadata()).width).toBe(8);
    await t.http().get('/api/v1/library/files/forged.token').expect(404);
  });

  it('promotes a gallery image into the organisation’s library, as a copy of its own', async () => {
    const res = await t.http().post('/api/v1/library/assets').set(bearer(aliceKey)).send({ imageId: ids.aliceImage, tags: ['Boat'] }).expect(201);
    expect(res.body).toMatchObject({ type: 'image', title: 'a blue sailing boat at sunset', tags: ['boat'], prompt: 'a blue sailing boat at sunset', owner: 'organization', width: 256, format: 'png' });
    ids.boat = res.body.id;
    await t.http().delete(`/api/v1/images/${ids.aliceImage}`).set(bearer(aliceKey)).expect(204);
    const [hit] = (await search(aliceKey, { q: 'sailing' }).expect(200)).body.data;
    expect(hit.id).toBe(ids.boat);
    await t.http().get(path(hit.url)).expect(200);
    const audit = await t.http().get(`/api/v1/orgs/${alice.orgId}/audit-log?action=library.asset_added`).set(bearer(alice.accessToken)).expect(200);
    expect(audit.body.data).toMatchObject([{ target: { type: 'library_asset', id: ids.boat }, details: { imageId: ids.aliceImage } }]);
    await t.http().post('/api/v1/library/assets').set(bearer(bobKey)).send({ imageId: ids.aliceImage }).expect(404);
    await t.http().post('/api/v1/library/assets').set(bearer(aliceKey)).send({ imageId: 'not-a-uuid' }).expect(400);
  });

  it('ranks the better match first', async () => {
    const res = await search(aliceKey, { q: 'red car' }).expect(200);
    expect(res.body.data.map((a: { id: string }) => a.id)).toEqual([ids.car, ids.forest]);
    expect(res.body.data[0].score).toBeGreaterThan(res.body.data[1].score);
  });

  it('filters by type and by every tag given', async () => {
    expect((await search(aliceKey, { type: 'video' }).expect(200)).body.data.map((a: { id: string }) => a.id)).toEqual([ids.clip]);
    expect((await search(aliceKey, { tags: 'red,car' }).expect(200)).body.data.map((a: { id: string }) => a.id)).toEqual([ids.car]);
    expect((await search(aliceKey, { tags: 'car,sea' }).expect(200)).body.data).toEqual([]);
    expect((await search(aliceKey, { q: 'red', type: 'video' }).expect(200)).body.data).toEqual([]);
    await search(aliceKey, { type: 'sculpture' }).expect(400);
  });

  it('pages with an opaque cursor, newest first without q', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = cursor ? { limit: 1, cursor } : { limit: 1 };
      const res = await search(aliceKey, query).expect(200);
      expect(res.body.data).toHaveLength(1);
      seen.push(res.body.data[0].id);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids.boat, ids.clip, ids.forest, ids.car]);
    const ranked = await search(aliceKey, { q: 'red car', limit: 1 }).expect(200);
    const next = await search(aliceKey, { q: 'red car', limit: 1, cursor: ranked.body.nextCursor }).expect(200);
    expect([ranked.body.data[0].id, next.body.data[0].id, next.body.nextCursor]).toEqual([ids.car, ids.forest, null]);
    await search(aliceKey, { cursor: 'bm90IG91cnM' }).expect(400);
    await search(aliceKey, { limit: 0 }).expect(400);
    await search(aliceKey, { limit: 101 }).expect(400);
  });

  it('never shows an organisation another’s assets', async () => {
    const bobs = (await search(bobKey, {}).expect(200)).body.data.map((a: { id: string }) => a.id);
    expect(bobs).toEqual([ids.clip, ids.forest, ids.car]);
    expect((await search(bobKey, { q: 'boat sailing' }).expect(200)).body.data).toEqual([]);
    await t.http().delete(`/api/v1/library/assets/${ids.boat}`).set(bearer(bobKey)).expect(404);
  });

  it('answers any q with 200 or 400, never 500', async () => {
    const hostile = ['"', '""', '*', 'AND', 'OR NOT', 'NEAR(', 'NEAR(red car, 2)', 'title:red', '-car', '^red', "red' OR 1=1 --", 'a & b | !c', 'red:*', '(((', '\\', '😀 东京 café', 'x'.repeat(2000), 'red '.repeat(400), '\u0000'];
    for (const q of hostile) {
      const res = await search(aliceKey, { q });
      expect([200, 400], `${q.slice(0, 20)}: ${res.status}`).toContain(res.status);
    }
    expect((await search(aliceKey, { q: 'NEAR(red car, 2)' }).expect(200)).body.data[0].id).toBe(ids.car);
    expect((await search(aliceKey, { q: '"*"' }).expect(400)).body.error.code).toBe('validation_failed');
  });

  it('matches a prompt for library-first generation: the share of its significant words an asset holds', async () => {
    const matcher = t.app.get(LibraryMatcher);
    expect(await matcher.bestMatch(alice.orgId, { prompt: 'A red sports car in the studio', type: 'image' })).toMatchObject({ asset: { id: ids.car }, score: 1 });
    expect(await matcher.bestMatch(alice.orgId, { prompt: 'a blue sailing boat', type: 'image' })).toMatchObject({ asset: { id: ids.boat }, score: 1 });
    expect(await matcher.bestMatch(bob.orgId, { prompt: 'a blue sailing boat', type: 'image' })).toBeNull();
    expect(await matcher.bestMatch(alice.orgId, { prompt: 'a red tractor on a farm', type: 'image' })).toBeNull();
    expect(await matcher.bestMatch(alice.orgId, { prompt: 'red sports car', type: 'video' })).toBeNull();
    expect(await matcher.bestMatch(alice.orgId, { prompt: 'waves on a beach', type: 'video' })).toMatchObject({ asset: { id: ids.clip } });
    expect(matcher.price).toBe(1);
  });

  it('holds each route to its scope and operators’ routes to operators', async () => {
    const reader = (await createKey(t, alice.accessToken, alice.orgId, { name: 'r', scopes: ['library:read'] })).secret;
    const none = (await createKey(t, alice.accessToken, alice.orgId, { name: 'n', scopes: ['credits:read'] })).secret;
    await search(none, {}).expect(403);
    await t.http().post('/api/v1/library/assets').set(bearer(reader)).send({ imageId: ids.aliceImage }).expect(403);
    await t.http().delete(`/api/v1/library/assets/${ids.boat}`).set(bearer(reader)).expect(403);
    await ingest({ type: 'image', title: 'x' }, await png('#fff')).set(bearer(alice.accessToken)).expect(404);
    await t.http().delete(`/api/v1/admin/library/assets/${ids.car}`).set(bearer(aliceKey)).expect(404);
  });

  it('deletes: an organisation its own assets, operators the installation’s', async () => {
    await t.http().delete(`/api/v1/library/assets/${ids.car}`).set(bearer(aliceKey)).expect(404);
    await t.http().delete(`/api/v1/library/assets/${ids.boat}`).set(bearer(aliceKey)).expect(204);
    expect((await search(aliceKey, { q: 'boat' }).expect(200)).body.data).toEqual([]);
    await t.http().delete(`/api/v1/admin/library/assets/${ids.boat}`).set(bearer(operator.accessToken)).expect(404);
    await t.http().delete(`/api/v1/admin/library/assets/${ids.car}`).set(bearer(operator.accessToken)).expect(204);
    expect((await search(bobKey, { q: 'red car' }).expect(200)).body.data.map((a: { id: string }) => a.id)).toEqual([ids.forest]);
  });
});
