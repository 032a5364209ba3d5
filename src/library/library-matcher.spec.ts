import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { LibraryAsset } from './library-asset.entity';
import { LibraryMatcher } from './library-matcher';
import type { LibraryQuery, LibraryRepository } from './library.repository';

const asset = (title: string, tags: string[] = [], prompt: string | null = null) => Object.assign(new LibraryAsset(), { title, tags, prompt, type: 'image' });

/** A matcher over candidates in the order full-text search ranks them, recording what it was asked. */
function matcherOver(candidates: LibraryAsset[], matchThreshold = 0.8) {
  const asked: LibraryQuery[] = [];
  const repo = { search: async (q: LibraryQuery) => (asked.push(q), candidates.map((a) => ({ asset: a, score: 1 }))) } as unknown as LibraryRepository;
  return { matcher: new LibraryMatcher(repo, { library: { matchThreshold, price: 2 } } as AppConfig), asked };
}

describe('LibraryMatcher', () => {
  it('answers the candidate covering most of the prompt’s significant words, whatever its full-text rank', async () => {
    const car = asset('Red sports car', ['studio']);
    const { matcher, asked } = matcherOver([asset('Red barn'), car]);
    expect(await matcher.bestMatch('org', { prompt: 'A red sports car in a studio', type: 'image' })).toEqual({ asset: car, score: 1 });
    expect(asked).toEqual([{ orgId: 'org', words: ['red', 'sports', 'car', 'studio'], type: 'image', tags: [], limit: 5, offset: 0 }]);
  });

  it('answers null below the threshold, and at it the match', async () => {
    const { matcher } = matcherOver([asset('Red sports car')]);
    expect(await matcher.bestMatch('org', { prompt: 'red sports car on a beach', type: 'image' })).toBeNull();
    const lenient = matcherOver([asset('Red sports car')], 0.75).matcher;
    expect(await lenient.bestMatch('org', { prompt: 'red sports car on a beach', type: 'image' })).toMatchObject({ score: 0.75 });
  });

  it('does not search for a prompt of stop words only, nor match with no candidate', async () => {
    const { matcher, asked } = matcherOver([asset('The')]);
    expect(await matcher.bestMatch('org', { prompt: 'a photo of the', type: 'image' })).toBeNull();
    expect(asked).toEqual([]);
    expect(await matcherOver([]).matcher.bestMatch('org', { prompt: 'red car', type: 'video' })).toBeNull();
  });

  it('tells the library price from the configuration', () => {
    expect(matcherOver([]).matcher.price).toBe(2);
  });
});
