import { describe, expect, it } from 'vitest';

import { captionProblem, extractHashtags, extractMentions } from './caption.rules.js';

describe('captionProblem', () => {
  it('accepts up to 2200 code points, an emoji or an astral character counting as one', () => {
    expect(captionProblem('')).toBeUndefined();
    expect(captionProblem('a'.repeat(2200))).toBeUndefined();
    // 2200 code points, 2201 UTF-16 units.
    expect(captionProblem(`${'a'.repeat(2199)}📸`)).toBeUndefined();
    expect(captionProblem('📸'.repeat(2200))).toBeUndefined();
    expect(captionProblem('a'.repeat(2201))).toBe('must be at most 2200 characters');
    expect(captionProblem('📸'.repeat(2201))).toBe('must be at most 2200 characters');
  });

  it('accepts line breaks and tabs, refuses other control characters and broken text', () => {
    expect(captionProblem('one\ntwo\r\n\tthree')).toBeUndefined();
    expect(captionProblem('nul\u0000')).toBe('must not contain control characters');
    expect(captionProblem('escape\u001b[31m')).toBe('must not contain control characters');
    expect(captionProblem('c1\u0085')).toBe('must not contain control characters');
    expect(captionProblem('half an emoji \ud83d')).toBe('must be valid Unicode text');
  });
});

describe('extractHashtags', () => {
  it('lowercases, drops the #, deduplicates in order of first appearance', () => {
    expect(extractHashtags('#Sunset over #sea, #SUNSET again and #sea_life #Sea')).toEqual([
      'sunset',
      'sea',
      'sea_life',
    ]);
  });

  it('takes Unicode letters with their marks, digits and underscores', () => {
    expect(extractHashtags('#Café #東京 #नमस्ते #Ñandú_2026 #Straße')).toEqual([
      'café',
      '東京',
      'नमस्ते',
      'ñandú_2026',
      'straße',
    ]);
    // Composed and decomposed spellings are one tag.
    expect(extractHashtags('#caf\u00e9 #cafe\u0301')).toEqual(['café']);
  });

  it('ends a tag at the first other character', () => {
    expect(extractHashtags('#love❤️ #summer! (#beach) #a-b #x.y')).toEqual([
      'love',
      'summer',
      'beach',
      'a',
      'x',
    ]);
  });

  it('ignores # inside words, HTML entities, digit-only tags and tags over 100 characters', () => {
    expect(extractHashtags('C#sharp and issue#12 &#x27; #1 #2024 # alone')).toEqual([]);
    expect(extractHashtags(`#${'a'.repeat(100)} #${'b'.repeat(101)}`)).toEqual(['a'.repeat(100)]);
    expect(extractHashtags('#2024vibes')).toEqual(['2024vibes']);
  });
});

describe('extractMentions', () => {
  it('lowercases, drops the @, deduplicates in order of first appearance', () => {
    expect(extractMentions('With @Ada and @grace.hopper, thanks @ADA!')).toEqual(['ada', 'grace.hopper']);
  });

  it('leaves out a sentence-ending period but keeps inner ones', () => {
    expect(extractMentions('Photo by @ada.l. Edited by @bob...')).toEqual(['ada.l', 'bob']);
  });

  it('ignores e-mail addresses, invalid usernames and names running into other letters', () => {
    expect(extractMentions('mail ada@example.com or @ab or @.ada or @josé')).toEqual([]);
    expect(extractMentions(`@${'a'.repeat(30)} @${'b'.repeat(31)}`)).toEqual(['a'.repeat(30)]);
    expect(extractMentions('(@ada) "@bob" @carl_')).toEqual(['ada', 'bob', 'carl_']);
  });
});
