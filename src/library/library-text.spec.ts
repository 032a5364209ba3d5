import { describe, expect, it } from 'vitest';
import { fts5Expression, matchScore, MAX_QUERY_WORDS, queryWords, significantWords, tsQueryExpression, wordsOf } from './library-text';

describe('library query words', () => {
  it('keeps only distinct lowercased words of letters and digits, in any script', () => {
    expect(wordsOf('Red  red CAR, 911! Café 東京 naïve')).toEqual(['red', 'car', '911', 'café', '東京', 'naïve']);
  });

  it('leaves no FTS5 or tsquery syntax in a hostile query', () => {
    const hostile = `"unterminated * AND OR NOT NEAR(a b, 3) title:x -y ^z (a|b) & !c 'q' \\ :* <-> {col} ; drop table`;
    const words = queryWords(hostile);
    for (const w of words) expect(w).toMatch(/^[\p{L}\p{N}]+$/u);
    expect(fts5Expression(words)).toBe(words.map((w) => `"${w}"`).join(' OR '));
    expect(fts5Expression(['and', 'near'])).toBe('"and" OR "near"');
    expect(tsQueryExpression(['red', 'car'])).toBe('red | car');
  });

  it('answers no words for punctuation alone, and caps a long query', () => {
    expect(queryWords('"*"()!')).toEqual([]);
    expect(queryWords(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '))).toHaveLength(MAX_QUERY_WORDS);
    expect(wordsOf('a'.repeat(500))[0]).toHaveLength(64);
  });

  it('leaves stop words out of what the matcher counts', () => {
    expect(significantWords('A photo of the red car in a garage')).toEqual(['red', 'car', 'garage']);
  });
});

describe('library match score', () => {
  const asset = { title: 'Red sports car', tags: ['studio', 'automotive'], prompt: 'a red car under soft studio light' };

  it('is the share of the prompt’s significant words the asset holds', () => {
    expect(matchScore(significantWords('a red car in a studio'), asset)).toBe(1);
    expect(matchScore(significantWords('red car on a beach'), asset)).toBeCloseTo(2 / 3);
    expect(matchScore(significantWords('blue boat'), asset)).toBe(0);
  });

  it('counts tags and the prompt as well as the title, and nothing for a prompt of stop words only', () => {
    expect(matchScore(['automotive', 'light'], asset)).toBe(1);
    expect(matchScore(significantWords('a photo of the'), asset)).toBe(0);
  });

  it('counts a word once however often the prompt repeats it', () => {
    expect(matchScore(significantWords('red red red boat'), asset)).toBe(0.5);
  });
});
