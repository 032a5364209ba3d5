import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { LibraryAsset, LibraryAssetType } from './library-asset.entity';
import { LibraryRepository } from './library.repository';
import { matchScore, MAX_QUERY_WORDS, significantWords } from './library-text';

export interface LibraryMatch {
  asset: LibraryAsset;
  /** The share of the prompt's distinct significant words the asset holds, from 0 to 1. */
  score: number;
}

/** Full-text candidates scored per prompt: the best ranked few are enough to find a close match. */
const CANDIDATES = 5;

/**
 * Answers a library-first generation: the asset, among the installation's and the organisation's,
 * that best covers the prompt's significant words, when it covers at least LIBRARY_MATCH_THRESHOLD
 * of them. Full-text ranking picks the candidates; the word share decides, so the threshold means
 * the same on SQLite and PostgreSQL.
 */
@Injectable()
export class LibraryMatcher {
  constructor(private readonly repo: LibraryRepository, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Credits an answer from the library costs. */
  get price(): number {
    return this.config.library.price;
  }

  async bestMatch(orgId: string, query: { prompt: string; type: LibraryAssetType }): Promise<LibraryMatch | null> {
    const words = significantWords(query.prompt).slice(0, MAX_QUERY_WORDS);
    if (!words.length) return null;
    const hits = await this.repo.search({ orgId, words, type: query.type, tags: [], limit: CANDIDATES, offset: 0 });
    let best: LibraryMatch | null = null;
    for (const { asset } of hits) {
      const score = matchScore(words, asset);
      if (!best || score > best.score) best = { asset, score };
    }
    return best && best.score >= this.config.library.matchThreshold ? best : null;
  }
}
