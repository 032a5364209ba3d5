import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { Image } from '../images/image.entity';
import type { ImagesRepository } from '../images/images.repository';
import type { SourceDownloader } from '../images/source-downloader';
import type { Job } from '../jobs/job.entity';
import type { FileStore } from '../storage/file-store';
import type { SlotReport } from '../studio/compliance/evaluate-slot';
import type { StudioRunners } from '../studio/operations/studio-runners';
import { ChannelPublishGate, isPublicHttpsUrl } from './channel-publish-gate';
import { ChannelPublishRecord } from './channel-publish.entity';
import type { ChannelPublishesRepository } from './channel-publishes.repository';

describe('isPublicHttpsUrl', () => {
  it.each(['https://images.example.com', 'https://cdn.shop.example.co.uk:8443', 'https://93.184.215.14', 'https://[2606:4700::6810:84e5]'])('takes %s', (url) => {
    expect(isPublicHttpsUrl(url)).toBe(true);
  });

  it.each([
    ['http, however public', 'http://images.example.com'],
    ['localhost', 'https://localhost:3000'],
    ['a localhost subdomain', 'https://shop.localhost'],
    ['a single-label host', 'https://intranet'],
    ['an mDNS name', 'https://printer.local'],
    ['loopback', 'https://127.0.0.1'],
    ['a private address', 'https://10.1.2.3'],
    ['IPv6 loopback', 'https://[::1]'],
    ['link-local (cloud metadata)', 'https://169.254.169.254'],
  ])('refuses %s', (_, url) => {
    expect(isPublicHttpsUrl(url)).toBe(false);
  });
});

describe('ChannelPublishGate.imageFor', () => {
  const fixedImage = Object.assign(new Image(), { id: 'img-fixed', orgId: 'org', storageKey: 'images/org/job-1-0', format: 'jpeg', width: 2000, height: 2000 });
  const failing: SlotReport = { slot: 'amazon-main', pass: false, rules: [] };
  const input = { publishId: 'p', packSlot: 'amazon-main', pixelLimit: 1e8, maxSourceBytes: 1e7, price: 1 };
  const job = { id: 'job', orgId: 'org', attempts: 2 } as Job;
  const entry = (fields: Partial<ChannelPublishRecord>) => Object.assign(new ChannelPublishRecord(), { orgId: 'org', compliance: 'fix', report: { before: failing }, ...fields });

  function gate(): { gate: ChannelPublishGate; studioRuns: string[] } {
    const studioRuns: string[] = [];
    const images = { getInOrg: async (_org: string, id: string) => (id === fixedImage.id ? fixedImage : null) } as unknown as ImagesRepository;
    const files = { get: async () => Buffer.from('fixed bytes'), link: (id: string, _ttl: number, ext: string) => ({ url: `https://images.example.com/${id}.${ext}` }) } as unknown as FileStore;
    const runners = { run: async (operation: string) => void studioRuns.push(operation) } as unknown as StudioRunners;
    return { gate: new ChannelPublishGate(images, files, {} as SourceDownloader, runners, {} as ChannelPublishesRepository, {} as AppConfig), studioRuns };
  }

  it('sends the image a fix already made on a retry, without fixing again', async () => {
    const { gate: g, studioRuns } = gate();
    const image = await g.imageFor(entry({ imageId: 'img-source', fixedImageId: fixedImage.id }), input, job, new AbortController().signal);
    expect(image).toMatchObject({ data: Buffer.from('fixed bytes'), mimeType: 'image/jpeg', width: 2000, filename: 'img-fixed.jpg', url: 'https://images.example.com/img-fixed.jpg' });
    expect(studioRuns).toEqual([]);
  });

  it('sends nothing for a store image that would go unchanged into its own place', async () => {
    const { gate: g, studioRuns } = gate();
    const passing = entry({ sourceImageExternalId: '77', replaceImageExternalId: '77', report: { before: { ...failing, pass: true } } });
    expect(await g.imageFor(passing, { ...input, sourceUrl: 'https://store.example.com/77.jpg' }, job, new AbortController().signal)).toBeNull();
    expect(studioRuns).toEqual([]);
  });
});
