/** Words the templates print (Contents, Chapter, Notes), by the book's language. */
export interface Labels {
  contents: string;
  /** A chapter's number is printed as chapterPrefix + number + chapterSuffix: "Chapter 3", "第3章". */
  chapterPrefix: string;
  chapterSuffix: string;
  notes: string;
  cover: string;
  /** Between a label and what it introduces, a title and its subtitle: "Appendix A: Tables"; French sets a space before the colon. */
  colon: string;
  /** The copyright page's line for the publisher: {publisher} stands for its name. */
  publishedBy: string;
  /** After the print edition's ISBN: "ISBN 978… (paperback)". */
  paperback: string;
  /** The authors after a title ("by Ada Lovelace"): {authors} stands for their names. */
  byAuthors: string;
}

const NBSP = '\u00a0';

const LABELS: Record<string, Labels> = {
  en: { contents: 'Contents', chapterPrefix: 'Chapter ', chapterSuffix: '', notes: 'Notes', cover: 'Cover', colon: ': ', publishedBy: 'Published by {publisher}', paperback: 'paperback', byAuthors: 'by {authors}' },
  fr: { contents: 'Table des matières', chapterPrefix: 'Chapitre ', chapterSuffix: '', notes: 'Notes', cover: 'Couverture', colon: `${NBSP}: `, publishedBy: 'Publié par {publisher}', paperback: 'broché', byAuthors: 'par {authors}' },
  de: { contents: 'Inhalt', chapterPrefix: 'Kapitel ', chapterSuffix: '', notes: 'Anmerkungen', cover: 'Umschlag', colon: ': ', publishedBy: 'Erschienen bei {publisher}', paperback: 'Broschur', byAuthors: 'von {authors}' },
  es: { contents: 'Índice', chapterPrefix: 'Capítulo ', chapterSuffix: '', notes: 'Notas', cover: 'Cubierta', colon: ': ', publishedBy: 'Publicado por {publisher}', paperback: 'rústica', byAuthors: 'de {authors}' },
  it: { contents: 'Indice', chapterPrefix: 'Capitolo ', chapterSuffix: '', notes: 'Note', cover: 'Copertina', colon: ': ', publishedBy: 'Pubblicato da {publisher}', paperback: 'brossura', byAuthors: 'di {authors}' },
  pt: { contents: 'Sumário', chapterPrefix: 'Capítulo ', chapterSuffix: '', notes: 'Notas', cover: 'Capa', colon: ': ', publishedBy: 'Publicado por {publisher}', paperback: 'brochura', byAuthors: 'de {authors}' },
  zh: { contents: '目录', chapterPrefix: '第', chapterSuffix: '章', notes: '注释', cover: '封面', colon: '：', publishedBy: '出版：{publisher}', paperback: '平装', byAuthors: '{authors} 著' },
  ja: { contents: '目次', chapterPrefix: '第', chapterSuffix: '章', notes: '注', cover: '表紙', colon: '：', publishedBy: '発行：{publisher}', paperback: 'ペーパーバック', byAuthors: '{authors} 著' },
  ko: { contents: '차례', chapterPrefix: '제', chapterSuffix: '장', notes: '주', cover: '표지', colon: ': ', publishedBy: '발행: {publisher}', paperback: '페이퍼백', byAuthors: '{authors} 지음' },
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

/** Words of the web edition's pages (build/web/), by language; numbers and units come from Intl. */
export interface WebLabels {
  skip: string;
  search: string;
  searchLabel: string;
  searchNeedsScript: string;
  noResults: string;
  previous: string;
  next: string;
  downloads: string;
  screenPdf: string;
  epub: string;
  printPdf: string;
  printCover: string;
  printPages: string;
  words: string;
  reading: string;
  startReading: string;
  backToText: string;
  closeNote: string;
}

const WEB_LABELS: Record<string, WebLabels> = {
  en: {
    skip: 'Skip to the text', search: 'Search', searchLabel: 'Search the book', searchNeedsScript: 'Searching needs JavaScript, which this browser has turned off.',
    noResults: 'Nothing found for', previous: 'Previous', next: 'Next', downloads: 'Download the book', screenPdf: 'PDF, for reading on screen',
    epub: 'EPUB, for e-readers', printPdf: 'Print interior (PDF)', printCover: 'Print cover (PDF)', printPages: 'pages in print', words: 'words',
    reading: 'of reading', startReading: 'Start reading', backToText: 'Back to the text', closeNote: 'Close',
  },
  fr: {
    skip: 'Aller au texte', search: 'Rechercher', searchLabel: 'Rechercher dans le livre', searchNeedsScript: 'La recherche demande JavaScript, désactivé dans ce navigateur.',
    noResults: 'Aucun résultat pour', previous: 'Précédent', next: 'Suivant', downloads: 'Télécharger le livre', screenPdf: 'PDF, pour lire à l’écran',
    epub: 'EPUB, pour liseuses', printPdf: 'Intérieur pour l’impression (PDF)', printCover: 'Couverture pour l’impression (PDF)', printPages: 'pages imprimées', words: 'mots',
    reading: 'de lecture', startReading: 'Commencer la lecture', backToText: 'Retour au texte', closeNote: 'Fermer',
  },
  de: {
    skip: 'Zum Text springen', search: 'Suchen', searchLabel: 'Im Buch suchen', searchNeedsScript: 'Die Suche braucht JavaScript, das in diesem Browser ausgeschaltet ist.',
    noResults: 'Nichts gefunden für', previous: 'Zurück', next: 'Weiter', downloads: 'Das Buch herunterladen', screenPdf: 'PDF, zum Lesen am Bildschirm',
    epub: 'EPUB, für E-Reader', printPdf: 'Druckinhalt (PDF)', printCover: 'Druckumschlag (PDF)', printPages: 'Seiten im Druck', words: 'Wörter',
    reading: 'Lesezeit', startReading: 'Lesen beginnen', backToText: 'Zurück zum Text', closeNote: 'Schließen',
  },
  es: {
    skip: 'Ir al texto', search: 'Buscar', searchLabel: 'Buscar en el libro', searchNeedsScript: 'La búsqueda necesita JavaScript, desactivado en este navegador.',
    noResults: 'Nada encontrado para', previous: 'Anterior', next: 'Siguiente', downloads: 'Descargar el libro', screenPdf: 'PDF, para leer en pantalla',
    epub: 'EPUB, para lectores electrónicos', printPdf: 'Interior para imprenta (PDF)', printCover: 'Cubierta para imprenta (PDF)', printPages: 'páginas impresas', words: 'palabras',
    reading: 'de lectura', startReading: 'Empezar a leer', backToText: 'Volver al texto', closeNote: 'Cerrar',
  },
  it: {
    skip: 'Vai al testo', search: 'Cerca', searchLabel: 'Cerca nel libro', searchNeedsScript: 'La ricerca richiede JavaScript, disattivato in questo browser.',
    noResults: 'Nessun risultato per', previous: 'Precedente', next: 'Successivo', downloads: 'Scarica il libro', screenPdf: 'PDF, per leggere sullo schermo',
    epub: 'EPUB, per e-reader', printPdf: 'Interno per la stampa (PDF)', printCover: 'Copertina per la stampa (PDF)', printPages: 'pagine stampate', words: 'parole',
    reading: 'di lettura', startReading: 'Inizia a leggere', backToText: 'Torna al testo', closeNote: 'Chiudi',
  },
  pt: {
    skip: 'Ir para o texto', search: 'Pesquisar', searchLabel: 'Pesquisar no livro', searchNeedsScript: 'A pesquisa precisa de JavaScript, desativado neste navegador.',
    noResults: 'Nada encontrado para', previous: 'Anterior', next: 'Seguinte', downloads: 'Baixar o livro', screenPdf: 'PDF, para ler na tela',
    epub: 'EPUB, para leitores digitais', printPdf: 'Miolo para impressão (PDF)', printCover: 'Capa para impressão (PDF)', printPages: 'páginas impressas', words: 'palavras',
    reading: 'de leitura', startReading: 'Começar a ler', backToText: 'Voltar ao texto', closeNote: 'Fechar',
  },
  zh: {
    skip: '跳到正文', search: '搜索', searchLabel: '搜索本书', searchNeedsScript: '搜索需要 JavaScript，此浏览器已将其关闭。',
    noResults: '未找到', previous: '上一章', next: '下一章', downloads: '下载本书', screenPdf: 'PDF（屏幕阅读）',
    epub: 'EPUB（电子阅读器）', printPdf: '印刷内文（PDF）', printCover: '印刷封面（PDF）', printPages: '页（印刷版）', words: '字',
    reading: '阅读时间', startReading: '开始阅读', backToText: '返回正文', closeNote: '关闭',
  },
  ja: {
    skip: '本文へ移動', search: '検索', searchLabel: '本書を検索', searchNeedsScript: '検索には JavaScript が必要ですが、このブラウザでは無効です。',
    noResults: '見つかりません：', previous: '前へ', next: '次へ', downloads: '本をダウンロード', screenPdf: 'PDF（画面用）',
    epub: 'EPUB（電子書籍リーダー用）', printPdf: '印刷用本文（PDF）', printCover: '印刷用カバー（PDF）', printPages: 'ページ（印刷版）', words: '字',
    reading: '読書時間', startReading: '読み始める', backToText: '本文に戻る', closeNote: '閉じる',
  },
  ko: {
    skip: '본문으로 건너뛰기', search: '검색', searchLabel: '책에서 검색', searchNeedsScript: '검색에는 JavaScript가 필요하지만 이 브라우저에서 꺼져 있습니다.',
    noResults: '검색 결과 없음:', previous: '이전', next: '다음', downloads: '책 내려받기', screenPdf: 'PDF(화면용)',
    epub: 'EPUB(전자책 단말기용)', printPdf: '인쇄용 본문(PDF)', printCover: '인쇄용 표지(PDF)', printPages: '쪽(인쇄본)', words: '단어',
    reading: '읽는 시간', startReading: '읽기 시작', backToText: '본문으로 돌아가기', closeNote: '닫기',
  },
};

export function webLabelsFor(language: string): WebLabels {
  return WEB_LABELS[language.toLowerCase().split('-')[0] ?? 'en'] ?? WEB_LABELS.en!;
}
