/** A book in Chinese or Korean gets a CJK typeface with TrueType outlines, and no hyphenation. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBook } from '../build/build.ts';
import { fontsOf, openPdfjs, pageTexts } from './helpers/pdf.ts';
import { javaEpubcheck } from './helpers/epubcheck.ts';

const books = {
  'zh-Hans': {
    title: '灯塔看守人',
    chapter: '# 灯塔\n\n灯塔立在海岬的尽头。看守人每天傍晚点亮灯，清晨把它熄灭。\n\n他在日志里写下风向、天气和过往的船只。'.repeat(1),
    font: /NotoSerifSC/,
  },
  ko: {
    title: '등대지기',
    chapter: '# 등대\n\n등대는 곶의 끝에 서 있다. 등대지기는 저녁마다 불을 켜고 새벽에 끈다.\n\n그는 일지에 바람과 날씨와 지나가는 배를 적었다.',
    font: /NotoSerifKR/,
  },
};

describe.each(Object.entries(books))('a book in %s', (language, { title, chapter, font }) => {
  it('is set in the CJK face, embedded as TrueType, and validates as an EPUB', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'cjk-')), 'book');
    mkdirSync(path.join(dir, 'chapters'), { recursive: true });
    writeFileSync(path.join(dir, 'book.yaml'), `title: ${title}\nauthors: 测试 Test\nlanguage: ${language}\nslug: cjk-book\n`);
    writeFileSync(path.join(dir, 'chapters', '01.md'), `${chapter}\n`);
    const out = path.join(dir, 'out');
    await buildBook({ bookDir: dir, outDir: out, formats: ['pdf', 'epub', 'print'] });
    const fonts = await fontsOf(path.join(out, 'cjk-book-print.pdf'));
    expect(fonts.some((f) => font.test(f.name))).toBe(true);
    for (const f of fonts) {
      expect(f.subtype, f.name).not.toBe('/Type3');
      expect(f.embedded, f.name).toBe(true);
    }
    const texts = await pageTexts(await openPdfjs(path.join(out, 'cjk-book.pdf')));
    expect(texts.join('')).toContain(title);
    expect(texts.join('')).not.toMatch(/-\n/); // no hyphens at line ends
    const check = javaEpubcheck(path.join(out, 'cjk-book.epub'));
    expect(check.errors, check.output).toBe(0);
  });
});

describe('quotes and labels follow the language', () => {
  it('sets French guillemets, German low quotes, and Chinese chapter numbers', async () => {
    const { buildModel } = await import('../build/model/build-model.ts');
    const { loadConfig } = await import('../build/config/load-config.ts');
    const { loadSources } = await import('../build/sources/load-sources.ts');
    const { chapterLabel, labelsFor } = await import('../build/render/labels.ts');
    const model = async (language: string): Promise<string> => {
      const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'lang-')), 'book');
      mkdirSync(path.join(dir, 'chapters'), { recursive: true });
      writeFileSync(path.join(dir, 'book.yaml'), `title: T\nauthors: A\nlanguage: ${language}\n`);
      writeFileSync(path.join(dir, 'chapters', '01-a.md'), '# A\n\nHe said "yes" and \'no\'.\n');
      return buildModel(await loadConfig(path.join(dir, 'book.yaml')), dir, await loadSources(dir)).sections[0]!.bodyHtml;
    };
    expect(await model('fr')).toContain('«\u202Fyes\u202F»');
    expect(await model('de')).toContain('„yes“');
    expect(await model('en-GB')).toContain('“yes” and ‘no’');
    expect(chapterLabel(labelsFor('zh-Hans'), 3)).toBe('第3章');
    expect(chapterLabel(labelsFor('en'), 3)).toBe('Chapter 3');
  });
});
