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

/** The five kinds of callout (GitHub's alerts, and `::: note` blocks), in the order GitHub lists them. */
export const CALLOUT_KINDS = ['note', 'tip', 'important', 'warning', 'caution'] as const;
export type CalloutKind = (typeof CALLOUT_KINDS)[number];

/** A callout's default title, by language; an author's own title (`::: warning Do not do this`) replaces it. */
const CALLOUT_TITLES: Record<string, Record<CalloutKind, string>> = {
  en: { note: 'Note', tip: 'Tip', important: 'Important', warning: 'Warning', caution: 'Caution' },
  fr: { note: 'Remarque', tip: 'Astuce', important: 'Important', warning: 'Avertissement', caution: 'Attention' },
  de: { note: 'Hinweis', tip: 'Tipp', important: 'Wichtig', warning: 'Warnung', caution: 'Vorsicht' },
  es: { note: 'Nota', tip: 'Consejo', important: 'Importante', warning: 'Advertencia', caution: 'Precaución' },
  it: { note: 'Nota', tip: 'Suggerimento', important: 'Importante', warning: 'Avvertenza', caution: 'Attenzione' },
  pt: { note: 'Nota', tip: 'Dica', important: 'Importante', warning: 'Aviso', caution: 'Cuidado' },
  nl: { note: 'Opmerking', tip: 'Tip', important: 'Belangrijk', warning: 'Waarschuwing', caution: 'Let op' },
  pl: { note: 'Uwaga', tip: 'Wskazówka', important: 'Ważne', warning: 'Ostrzeżenie', caution: 'Przestroga' },
  ru: { note: 'Примечание', tip: 'Совет', important: 'Важно', warning: 'Предупреждение', caution: 'Осторожно' },
  zh: { note: '注', tip: '提示', important: '重要', warning: '警告', caution: '注意' },
  ja: { note: '注記', tip: 'ヒント', important: '重要', warning: '警告', caution: '注意' },
  ko: { note: '참고', tip: '팁', important: '중요', warning: '경고', caution: '주의' },
};

export function calloutTitlesFor(language: string): Record<CalloutKind, string> {
  return CALLOUT_TITLES[language.toLowerCase().split('-')[0] ?? 'en'] ?? CALLOUT_TITLES.en!;
}

export const chapterLabel = (labels: Labels, n: number): string => `${labels.chapterPrefix}${n}${labels.chapterSuffix}`;
