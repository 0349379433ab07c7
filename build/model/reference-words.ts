/**
 * The words numbered things and references are printed with, by the book's language: "Figure 3.2",
 * "Tableau 3.1", "图 3.2", "equation (3.4)", "Figures 3.2 and 3.3", "(page 41)". book.yaml's
 * `labels:` overrides any of them.
 */
export interface ReferenceWords {
  figure: string;
  figures: string;
  table: string;
  tables: string;
  listing: string;
  listings: string;
  /** In running text: "equation", "l'équation", "Gleichung". */
  equation: string;
  equations: string;
  chapter: string;
  chapters: string;
  appendix: string;
  appendices: string;
  section: string;
  sections: string;
  /** Joins the last two of several references: "Figures 3.2 and 3.3". */
  and: string;
  /** Printed after a reference in the PDFs when its target is on another spread. */
  pageFormat: string;
  /** Between a caption's number and its text: "Figure 3.2. Caption". */
  captionSeparator: string;
  /** Titles of the generated lists. */
  listOfFigures: string;
  listOfTables: string;
  /** The index: its title, and its cross-references ("see", "see also"). */
  index: string;
  see: string;
  seeAlso: string;
  /** True where the word follows the number ("图 3.2" is written 图3.2: no space). */
  noSpace?: boolean;
}

const WORDS: Record<string, ReferenceWords> = {
  en: {
    figure: 'Figure', figures: 'Figures', table: 'Table', tables: 'Tables', listing: 'Listing', listings: 'Listings',
    equation: 'equation', equations: 'equations', chapter: 'Chapter', chapters: 'Chapters', appendix: 'Appendix', appendices: 'Appendices',
    section: 'section', sections: 'sections', and: 'and', pageFormat: '(page {page})', captionSeparator: '. ',
    listOfFigures: 'Figures', listOfTables: 'Tables', index: 'Index', see: 'see', seeAlso: 'see also',
  },
  fr: {
    figure: 'Figure', figures: 'Figures', table: 'Tableau', tables: 'Tableaux', listing: 'Listing', listings: 'Listings',
    equation: 'équation', equations: 'équations', chapter: 'Chapitre', chapters: 'Chapitres', appendix: 'Annexe', appendices: 'Annexes',
    section: 'section', sections: 'sections', and: 'et', pageFormat: '(page {page})', captionSeparator: '. ',
    listOfFigures: 'Table des figures', listOfTables: 'Liste des tableaux', index: 'Index', see: 'voir', seeAlso: 'voir aussi',
  },
  de: {
    figure: 'Abbildung', figures: 'Abbildungen', table: 'Tabelle', tables: 'Tabellen', listing: 'Listing', listings: 'Listings',
    equation: 'Gleichung', equations: 'Gleichungen', chapter: 'Kapitel', chapters: 'Kapitel', appendix: 'Anhang', appendices: 'Anhänge',
    section: 'Abschnitt', sections: 'Abschnitte', and: 'und', pageFormat: '(Seite {page})', captionSeparator: ': ',
    listOfFigures: 'Abbildungsverzeichnis', listOfTables: 'Tabellenverzeichnis', index: 'Register', see: 'siehe', seeAlso: 'siehe auch',
  },
  es: {
    figure: 'Figura', figures: 'Figuras', table: 'Tabla', tables: 'Tablas', listing: 'Listado', listings: 'Listados',
    equation: 'ecuación', equations: 'ecuaciones', chapter: 'Capítulo', chapters: 'Capítulos', appendix: 'Apéndice', appendices: 'Apéndices',
    section: 'sección', sections: 'secciones', and: 'y', pageFormat: '(página {page})', captionSeparator: '. ',
    listOfFigures: 'Índice de figuras', listOfTables: 'Índice de tablas', index: 'Índice alfabético', see: 'véase', seeAlso: 'véase también',
  },
  it: {
    figure: 'Figura', figures: 'Figure', table: 'Tabella', tables: 'Tabelle', listing: 'Listato', listings: 'Listati',
    equation: 'equazione', equations: 'equazioni', chapter: 'Capitolo', chapters: 'Capitoli', appendix: 'Appendice', appendices: 'Appendici',
    section: 'sezione', sections: 'sezioni', and: 'e', pageFormat: '(pagina {page})', captionSeparator: '. ',
    listOfFigures: 'Indice delle figure', listOfTables: 'Indice delle tabelle', index: 'Indice analitico', see: 'vedi', seeAlso: 'vedi anche',
  },
  pt: {
    figure: 'Figura', figures: 'Figuras', table: 'Tabela', tables: 'Tabelas', listing: 'Listagem', listings: 'Listagens',
    equation: 'equação', equations: 'equações', chapter: 'Capítulo', chapters: 'Capítulos', appendix: 'Apêndice', appendices: 'Apêndices',
    section: 'seção', sections: 'seções', and: 'e', pageFormat: '(página {page})', captionSeparator: '. ',
    listOfFigures: 'Lista de figuras', listOfTables: 'Lista de tabelas', index: 'Índice remissivo', see: 'ver', seeAlso: 'ver também',
  },
  nl: {
    figure: 'Figuur', figures: 'Figuren', table: 'Tabel', tables: 'Tabellen', listing: 'Listing', listings: 'Listings',
    equation: 'vergelijking', equations: 'vergelijkingen', chapter: 'Hoofdstuk', chapters: 'Hoofdstukken', appendix: 'Bijlage', appendices: 'Bijlagen',
    section: 'paragraaf', sections: 'paragrafen', and: 'en', pageFormat: '(pagina {page})', captionSeparator: '. ',
    listOfFigures: 'Lijst van figuren', listOfTables: 'Lijst van tabellen', index: 'Register', see: 'zie', seeAlso: 'zie ook',
  },
  zh: {
    figure: '图', figures: '图', table: '表', tables: '表', listing: '代码', listings: '代码',
    equation: '式', equations: '式', chapter: '第', chapters: '第', appendix: '附录', appendices: '附录',
    section: '节', sections: '节', and: '和', pageFormat: '（第{page}页）', captionSeparator: '　',
    listOfFigures: '插图目录', listOfTables: '表格目录', index: '索引', see: '见', seeAlso: '另见', noSpace: true,
  },
  ja: {
    figure: '図', figures: '図', table: '表', tables: '表', listing: 'リスト', listings: 'リスト',
    equation: '式', equations: '式', chapter: '第', chapters: '第', appendix: '付録', appendices: '付録',
    section: '節', sections: '節', and: 'と', pageFormat: '（{page}ページ）', captionSeparator: '　',
    listOfFigures: '図目次', listOfTables: '表目次', index: '索引', see: '→', seeAlso: '→も見よ', noSpace: true,
  },
  ko: {
    figure: '그림', figures: '그림', table: '표', tables: '표', listing: '코드', listings: '코드',
    equation: '식', equations: '식', chapter: '제', chapters: '제', appendix: '부록', appendices: '부록',
    section: '절', sections: '절', and: '및', pageFormat: '({page}쪽)', captionSeparator: '. ',
    listOfFigures: '그림 목차', listOfTables: '표 목차', index: '찾아보기', see: '보기', seeAlso: '참조',
  },
};

export function referenceWordsFor(language: string, overrides: Partial<ReferenceWords> = {}): ReferenceWords {
  const base = WORDS[language.toLowerCase().split('-')[0] ?? 'en'] ?? WORDS.en!;
  return { ...base, ...overrides };
}
