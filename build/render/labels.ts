/** Words the templates print (Contents, Chapter, Notes), by the book's language. */
export interface Labels {
  contents: string;
  chapter: string;
  notes: string;
  cover: string;
}

const LABELS: Record<string, Labels> = {
  en: { contents: 'Contents', chapter: 'Chapter', notes: 'Notes', cover: 'Cover' },
  fr: { contents: 'Table des matières', chapter: 'Chapitre', notes: 'Notes', cover: 'Couverture' },
  de: { contents: 'Inhalt', chapter: 'Kapitel', notes: 'Anmerkungen', cover: 'Umschlag' },
  es: { contents: 'Índice', chapter: 'Capítulo', notes: 'Notas', cover: 'Cubierta' },
  it: { contents: 'Indice', chapter: 'Capitolo', notes: 'Note', cover: 'Copertina' },
  pt: { contents: 'Sumário', chapter: 'Capítulo', notes: 'Notas', cover: 'Capa' },
  zh: { contents: '目录', chapter: '第', notes: '注释', cover: '封面' },
  ja: { contents: '目次', chapter: '第', notes: '注', cover: '表紙' },
  ko: { contents: '차례', chapter: '제', notes: '주', cover: '표지' },
};

export function labelsFor(language: string): Labels {
  return LABELS[language.toLowerCase().split('-')[0] ?? 'en'] ?? LABELS.en!;
}
