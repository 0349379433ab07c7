/** Words the templates print (Contents, Chapter, Notes), by the book's language. */
export interface Labels {
  contents: string;
  /** A chapter's number is printed as chapterPrefix + number + chapterSuffix: "Chapter 3", "第3章". */
  chapterPrefix: string;
  chapterSuffix: string;
  notes: string;
  cover: string;
}

const LABELS: Record<string, Labels> = {
  en: { contents: 'Contents', chapterPrefix: 'Chapter ', chapterSuffix: '', notes: 'Notes', cover: 'Cover' },
  fr: { contents: 'Table des matières', chapterPrefix: 'Chapitre ', chapterSuffix: '', notes: 'Notes', cover: 'Couverture' },
  de: { contents: 'Inhalt', chapterPrefix: 'Kapitel ', chapterSuffix: '', notes: 'Anmerkungen', cover: 'Umschlag' },
  es: { contents: 'Índice', chapterPrefix: 'Capítulo ', chapterSuffix: '', notes: 'Notas', cover: 'Cubierta' },
  it: { contents: 'Indice', chapterPrefix: 'Capitolo ', chapterSuffix: '', notes: 'Note', cover: 'Copertina' },
  pt: { contents: 'Sumário', chapterPrefix: 'Capítulo ', chapterSuffix: '', notes: 'Notas', cover: 'Capa' },
  zh: { contents: '目录', chapterPrefix: '第', chapterSuffix: '章', notes: '注释', cover: '封面' },
  ja: { contents: '目次', chapterPrefix: '第', chapterSuffix: '章', notes: '注', cover: '表紙' },
  ko: { contents: '차례', chapterPrefix: '제', chapterSuffix: '장', notes: '주', cover: '표지' },
};

export function labelsFor(language: string): Labels {
  return LABELS[language.toLowerCase().split('-')[0] ?? 'en'] ?? LABELS.en!;
}

export const chapterLabel = (labels: Labels, n: number): string => `${labels.chapterPrefix}${n}${labels.chapterSuffix}`;
